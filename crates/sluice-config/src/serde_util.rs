//! Small serde helpers the model needs.

/// `Option<Option<T>>` where an absent key is `None` and an explicit `null` is `Some(None)`:
/// dlt gives `"total_path": null` a meaning ("the API reports no total") that differs from
/// leaving the key out (default `"total"`).
pub mod double_option {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<T: Serialize, S: Serializer>(
        value: &Option<Option<T>>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(inner) => inner.serialize(serializer),
            None => serializer.serialize_none(),
        }
    }

    pub fn deserialize<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Option<T>>, D::Error> {
        Option::<T>::deserialize(deserializer).map(Some)
    }
}

/// `Option<Value>` where an explicit `null` is kept as `Some(Value::Null)`: for scd2's
/// `active_record_timestamp`, null means "NULL marks active records", not "not set".
pub mod keep_null {
    use serde::{Deserialize, Deserializer};
    use serde_json::Value;

    pub fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<Value>, D::Error> {
        Value::deserialize(deserializer).map(Some)
    }
}
