//! Reading submitted fields (HTML forms and JSON bodies alike) and collecting every problem with
//! them, so a form can show all its errors at once in an error summary.

use linkwork_domain::DomainError;
use serde::Serialize;

/// A problem with one field, in words for the person who filled it in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// Submitted name/value pairs. Repeated names (checkboxes) keep every value.
#[derive(Debug, Clone, Default)]
pub struct Fields(Vec<(String, String)>);

impl Fields {
    /// A form body. Dates typed as day, month and year boxes are joined into their ISO field
    /// (`crate::date_input`).
    pub fn from_urlencoded(body: &[u8]) -> Self {
        let mut pairs: Vec<(String, String)> = form_urlencoded::parse(body).into_owned().collect();
        crate::date_input::join_parts(&mut pairs);
        Self(pairs)
    }

    pub fn from_pairs(mut pairs: Vec<(String, String)>) -> Self {
        crate::date_input::join_parts(&mut pairs);
        Self(pairs)
    }

    /// From a JSON object: strings, numbers and booleans become one value, arrays several.
    pub fn from_json(value: &serde_json::Value) -> Self {
        let mut pairs = Vec::new();
        if let Some(object) = value.as_object() {
            for (key, v) in object {
                match v {
                    serde_json::Value::Array(items) => pairs.extend(items.iter().map(|i| (key.clone(), scalar(i)))),
                    serde_json::Value::Null => {}
                    other => pairs.push((key.clone(), scalar(other))),
                }
            }
        }
        Self(pairs)
    }

    /// Replaces every value of `name` with one value.
    pub fn set(&mut self, name: &str, value: &str) {
        self.0.retain(|(k, _)| k != name);
        self.0.push((name.to_owned(), value.to_owned()));
    }

    /// Removes every value of `name`.
    pub fn remove(&mut self, name: &str) {
        self.0.retain(|(k, _)| k != name);
    }

    /// Adds one more value of `name` (a ticked checkbox).
    pub fn add(&mut self, name: &str, value: &str) {
        self.0.push((name.to_owned(), value.to_owned()));
    }

    /// The first value of a field, or "" when it was not sent.
    pub fn get(&self, name: &str) -> &str {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).unwrap_or("")
    }

    /// Every submitted name and value, in order.
    pub fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0.iter().filter(|(k, _)| k == name).map(|(_, v)| v.as_str()).collect()
    }

    /// Values of fields named `prefix0`, `prefix1`, … (repeating rows such as plan goals).
    pub fn indexed(&self, prefix: &str, max: usize) -> Vec<(usize, &str)> {
        (0..max).map(|i| (i, self.get(&format!("{prefix}{i}")))).collect()
    }
}

fn scalar(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Collects errors while parsing several fields.
#[derive(Debug, Default)]
pub struct Checker {
    errors: Vec<FieldError>,
}

impl Checker {
    /// Keeps the value, or records the error and returns `None`.
    pub fn check<T>(&mut self, result: Result<T, DomainError>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(e) => {
                self.errors.push(FieldError { field: e.field().unwrap_or("form").to_owned(), message: e.to_string() });
                None
            }
        }
    }

    pub fn error(&mut self, field: &str, message: impl Into<String>) {
        self.errors.push(FieldError { field: field.to_owned(), message: message.into() });
    }

    pub fn into_errors(self) -> Vec<FieldError> {
        self.errors
    }

    pub fn is_ok(&self) -> bool {
        self.errors.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_fields_and_json() {
        let f = Fields::from_urlencoded(b"needs=money&needs=housing&name=A+B&x=%3Cb%3E");
        assert_eq!(f.all("needs"), vec!["money", "housing"]);
        assert_eq!(f.get("name"), "A B");
        assert_eq!(f.get("x"), "<b>");
        assert_eq!(f.get("missing"), "");
        let j = Fields::from_json(&serde_json::json!({"needs": ["a", "b"], "minutes": 30, "accompanied": true, "n": null}));
        assert_eq!(j.all("needs"), vec!["a", "b"]);
        assert_eq!(j.get("minutes"), "30");
        assert_eq!(j.get("accompanied"), "true");
        assert_eq!(j.get("n"), "");
    }
}
