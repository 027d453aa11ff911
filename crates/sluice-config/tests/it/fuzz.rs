//! The importers never panic, whatever the input: property tests with a bounded number of cases
//! (raise with PROPTEST_CASES for a longer local run).

use proptest::prelude::*;
use serde_json::Value;
use sluice_config::{check_value, import, ImportFormat, ImportOptions};

use crate::{files_in, seeds_dir};

const FORMATS: [Option<ImportFormat>; 5] = [
    None,
    Some(ImportFormat::Json),
    Some(ImportFormat::Yaml),
    Some(ImportFormat::Python),
    Some(ImportFormat::Markdown),
];

fn import_all_ways(text: &str) {
    for format in FORMATS {
        let options = ImportOptions {
            format,
            fallback_name: None,
            ..ImportOptions::default()
        };
        if let Ok(imported) = import(text, &options) {
            // Whatever imports must also export without panicking.
            let _ = imported.config.to_dlt_script();
            let _ = imported.config.to_secrets_toml();
            let _ = imported.config.to_yaml_string();
        }
    }
}

fn seed_texts() -> Vec<String> {
    files_in(&seeds_dir())
        .iter()
        .map(|p| std::fs::read_to_string(p).expect("seed"))
        .collect()
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        prop_oneof![
            Just("offset".to_owned()),
            Just("{resources.a.id}".to_owned()),
            Just("$secret".to_owned()),
            "[a-z_{}.$]{0,12}",
        ]
        .prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        let keys = prop_oneof![
            Just("client".to_owned()),
            Just("resources".to_owned()),
            Just("endpoint".to_owned()),
            Just("paginator".to_owned()),
            Just("type".to_owned()),
            Just("auth".to_owned()),
            Just("params".to_owned()),
            Just("name".to_owned()),
            Just("base_url".to_owned()),
            Just("$secret".to_owned()),
            "[a-z_]{1,10}",
        ];
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec((keys, inner), 0..6)
                .prop_map(|pairs| Value::Object(pairs.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 200,
        max_shrink_time: 10_000,
        ..ProptestConfig::default()
    })]

    #[test]
    fn import_never_panics_on_arbitrary_text(text in "\\PC{0,300}") {
        import_all_ways(&text);
    }

    #[test]
    fn import_never_panics_on_python_like_text(
        text in "[{}\\[\\]()\"'#:,=.\\\\ \\nA-Za-z0-9_rbf-]{0,200}"
    ) {
        import_all_ways(&text);
        import_all_ways(&format!("rest_api_source({text})"));
    }

    #[test]
    fn import_never_panics_on_damaged_seeds(
        seed in 0usize..5,
        cut in 0usize..4000,
        len in 0usize..40,
        insert in "\\PC{0,8}",
    ) {
        let seeds = seed_texts();
        let text = &seeds[seed % seeds.len()];
        let chars: Vec<char> = text.chars().collect();
        let start = cut.min(chars.len());
        let end = (start + len).min(chars.len());
        let damaged: String = chars[..start]
            .iter()
            .chain(insert.chars().collect::<Vec<_>>().iter())
            .chain(chars[end..].iter())
            .collect();
        import_all_ways(&damaged);
    }

    #[test]
    fn checking_never_panics_on_arbitrary_json(value in json_value()) {
        let _ = check_value(&value);
        let wrapped = serde_json::json!({
            "client": {"base_url": "https://x"},
            "resources": [value.clone(), {"name": "a", "endpoint": value.clone()}],
            "resource_defaults": {"endpoint": value},
        });
        let _ = check_value(&wrapped);
        import_all_ways(&wrapped.to_string());
    }
}

proptest! {
    // Fewer cases: each input is thousands of characters.
    #![proptest_config(ProptestConfig {
        cases: 24,
        max_shrink_time: 10_000,
        ..ProptestConfig::default()
    })]

    #[test]
    fn import_never_panics_on_long_python_like_text(
        text in "[{}\\[\\]()\"'#:,=.\\\\ \\nA-Za-z0-9_+-]{2000,20000}"
    ) {
        import_all_ways(&text);
        import_all_ways(&format!("rest_api_source({text})"));
    }

    #[test]
    fn import_never_panics_on_deep_brackets(
        open in "[\\[{(]{200,20000}",
        inside in "[-+ 1a\"':,]{0,40}",
    ) {
        import_all_ways(&format!("rest_api_source({open}{inside})"));
        import_all_ways(&format!("{open}{inside}"));
    }

    #[test]
    fn exporting_never_panics_on_large_configs(
        values in prop::collection::vec(json_value(), 50..200),
    ) {
        let resources: Vec<Value> = values
            .iter()
            .enumerate()
            .map(|(i, v)| serde_json::json!({
                "name": format!("r{i}"),
                "endpoint": {"path": "x", "json": {"q": v}, "params": {"p": v}},
            }))
            .collect();
        let config = serde_json::json!({"client": {"base_url": "https://x"}, "resources": resources});
        import_all_ways(&config.to_string());
    }
}
