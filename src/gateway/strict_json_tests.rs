use std::collections::BTreeMap;

use serde::{de::DeserializeOwned, Deserialize};
use serde_json::{json, Value};

use super::ObjectsOnly;

#[derive(Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Body {
    title: String,
    count: Option<u8>,
    ratio: f64,
    kind: Kind,
    context: Option<Context>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    labels: BTreeMap<String, String>,
    #[serde(default)]
    extra: Option<Value>,
}

#[derive(Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Context {
    location: Option<String>,
}

#[derive(Debug, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
enum Kind {
    Plain,
    Scored(i32),
    Ranged { low: i64 },
}

fn strict<T: DeserializeOwned>(value: &Value) -> Result<T, String> {
    serde_path_to_error::deserialize(ObjectsOnly(value)).map_err(|e| format!("{}: {}", e.path(), e.inner()))
}

#[test]
fn reads_what_serde_json_reads() {
    let bodies = [
        json!({"title": "a", "count": 7, "ratio": 2, "kind": "plain", "context": {"location": "ward"},
               "tags": ["x", "y"], "labels": {"fr": "b"}, "extra": [1, {"k": null}, -3.5]}),
        json!({"title": "b", "count": null, "ratio": -1.25, "kind": {"scored": -4}}),
        json!({"title": "c", "ratio": 1e10, "kind": {"ranged": {"low": -9}}, "context": null}),
    ];
    for body in bodies {
        let expected: Body = serde_json::from_value(body.clone()).unwrap();
        assert_eq!(strict::<Body>(&body).unwrap(), expected);
    }
}

#[test]
fn refuses_a_struct_written_as_an_array_at_any_depth() {
    let top = json!(["a", 1, 2.0, "plain", null, [], {}, null]);
    assert!(serde_json::from_value::<Body>(top.clone()).is_ok(), "serde alone accepts it");
    assert_eq!(strict::<Body>(&top).unwrap_err(), ".: invalid type: sequence, expected struct Body");
    let nested = json!({"title": "a", "ratio": 1, "kind": "plain", "context": ["ward"]});
    assert_eq!(strict::<Body>(&nested).unwrap_err(), "context: invalid type: sequence, expected struct Context");
    let variant = json!({"title": "a", "ratio": 1, "kind": {"ranged": [3]}});
    assert_eq!(
        strict::<Body>(&variant).unwrap_err(),
        "kind.ranged: invalid type: sequence, expected struct variant Kind::Ranged"
    );
}

#[test]
fn shape_errors_keep_serdes_messages() {
    let cases = [
        (json!({"title": 7, "ratio": 1, "kind": "plain"}), "title: invalid type: integer `7`, expected a string"),
        (json!({"title": "a", "ratio": 1, "kind": "plain", "count": 300}), "count: invalid value: integer `300`, expected u8"),
        (json!({"title": "a", "ratio": 1, "kind": "loud"}), "kind: unknown variant `loud`, expected one of `plain`, `scored`, `ranged`"),
        (json!({"title": "a", "ratio": 1, "kind": "plain", "nope": 1}), "nope: unknown field `nope`, expected one of `title`, `count`, `ratio`, `kind`, `context`, `tags`, `labels`, `extra`"),
        (json!({"ratio": 1, "kind": "plain"}), ".: missing field `title`"),
        (
            json!({"title": "a", "ratio": 1, "kind": {"plain": null, "scored": 1}}),
            "kind: invalid type: map, expected a variant name or an object with one key",
        ),
    ];
    for (body, message) in cases {
        assert_eq!(strict::<Body>(&body).unwrap_err(), message, "{body}");
    }
}
