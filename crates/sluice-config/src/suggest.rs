//! "Did you mean ...?" for misspelt keys and values.

/// Edit distance (insert, delete, substitute) between two short strings.
pub(crate) fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        current[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitute = previous[j] + usize::from(ca != *cb);
            current[j + 1] = substitute.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

/// The candidate closest to `input`, if it is close enough to be what the user meant.
/// Case differences count as nothing, so `get` suggests `GET`.
pub(crate) fn nearest<'a>(input: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let lowered = input.to_lowercase();
    let mut best: Option<(&str, usize)> = None;
    for candidate in candidates {
        let distance = levenshtein(&lowered, &candidate.to_lowercase());
        if best.is_none_or(|(_, d)| distance < d) {
            best = Some((candidate, distance));
        }
    }
    // A third of the word may be wrong: catches typos, not unrelated words that happen to be short.
    let (candidate, distance) = best?;
    let allowed = (input.chars().count().max(candidate.chars().count()) / 3).max(1);
    (distance <= allowed).then_some(candidate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(levenshtein("limt", "limit"), 1);
        assert_eq!(levenshtein("", "abc"), 3);
        assert_eq!(levenshtein("kitten", "sitting"), 3);
    }

    #[test]
    fn nearest_keys() {
        assert_eq!(nearest("limt", &["limit", "offset"]), Some("limit"));
        assert_eq!(nearest("get", &["GET", "POST"]), Some("GET"));
        assert_eq!(nearest("zzzzzz", &["limit", "offset"]), None);
        assert_eq!(
            nearest("data_selecter", &["data_selector", "data"]),
            Some("data_selector")
        );
    }
}
