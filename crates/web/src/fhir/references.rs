//! Following the references of a received ServiceRequest to the resources sent with it: its own
//! `contained` resources (`#id`) and, when it came in a Bundle (a UK Core `transaction` or a
//! BaRS `message`), the Bundle's other entries, matched by `fullUrl` (`urn:uuid:…` or an
//! absolute URL) or by `Type/id`. Nothing is fetched from elsewhere: a reference that is not in
//! what was sent is not followed.

use serde_json::Value;

/// Where a resource was found, for the FHIRPath of the problems found in it.
pub(super) struct Found<'a> {
    pub path: String,
    pub resource: &'a Value,
}

/// The resources a ServiceRequest may reference.
pub(super) struct Sent<'a> {
    /// The ServiceRequest.
    pub request: &'a Value,
    /// The Bundle it came in, if any.
    pub bundle: Option<&'a Value>,
}

impl<'a> Sent<'a> {
    /// A ServiceRequest sent on its own.
    pub fn alone(request: &'a Value) -> Self {
        Sent { request, bundle: None }
    }

    /// The resource of type `kind` a `Reference` (`{"reference": "…"}`) points to, if it was sent.
    pub fn follow(&self, reference: &Value, kind: &str) -> Option<Found<'a>> {
        let target = reference.get("reference").and_then(Value::as_str)?.trim();
        self.resolve(target, kind)
    }

    /// The resource of type `kind` named by a reference string, if it was sent.
    pub fn resolve(&self, target: &str, kind: &str) -> Option<Found<'a>> {
        let is_kind = |r: &Value| r.get("resourceType").and_then(Value::as_str) == Some(kind);
        if let Some(local) = target.strip_prefix('#') {
            let contained = self.request.get("contained").and_then(Value::as_array)?;
            return contained
                .iter()
                .enumerate()
                .find(|(_, r)| is_kind(r) && r.get("id").and_then(Value::as_str) == Some(local))
                .map(|(i, resource)| Found { path: format!("ServiceRequest.contained[{i}]"), resource });
        }
        let entries = self.bundle?.get("entry").and_then(Value::as_array)?;
        // `Patient/123` also matches an entry whose fullUrl ends with it (`https://…/Patient/123`).
        let relative = target.rsplit('/').nth(1).is_some_and(|t| t == kind).then(|| target.rsplit('/').next()).flatten();
        entries.iter().enumerate().find_map(|(i, entry)| {
            let resource = entry.get("resource").filter(|r| is_kind(r))?;
            let full_url = entry.get("fullUrl").and_then(Value::as_str).unwrap_or_default();
            let by_url = !full_url.is_empty() && (full_url == target || full_url.ends_with(&format!("/{target}")));
            let by_id = relative.is_some_and(|id| resource.get("id").and_then(Value::as_str) == Some(id));
            (by_url || by_id).then(|| Found { path: format!("Bundle.entry[{i}].resource"), resource })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn contained_resources_are_found_by_local_id() {
        let sr = json!({"resourceType": "ServiceRequest", "contained": [{"resourceType": "Patient", "id": "p"}]});
        let sent = Sent::alone(&sr);
        assert_eq!(sent.resolve("#p", "Patient").unwrap().path, "ServiceRequest.contained[0]");
        assert!(sent.resolve("#p", "Organization").is_none(), "the type must match");
        assert!(sent.resolve("Patient/p", "Patient").is_none(), "a ServiceRequest alone has nothing else to follow");
    }

    #[test]
    fn bundle_entries_are_found_by_full_url_or_type_and_id() {
        let bundle = json!({"resourceType": "Bundle", "entry": [
            {"fullUrl": "urn:uuid:3b5c2e4a-1111-4c8e-9c1e-2f7a6c0d9e01", "resource": {"resourceType": "ServiceRequest"}},
            {"fullUrl": "urn:uuid:9a1f0b7e-2222-4d6b-8f3a-5e2c1d0b4a77", "resource": {"resourceType": "Patient", "id": "pat-1"}},
            {"fullUrl": "https://gp.example/fhir/Organization/org-1", "resource": {"resourceType": "Organization", "id": "org-1"}},
        ]});
        let sent = Sent { request: &bundle["entry"][0]["resource"], bundle: Some(&bundle) };
        assert_eq!(sent.resolve("urn:uuid:9a1f0b7e-2222-4d6b-8f3a-5e2c1d0b4a77", "Patient").unwrap().path, "Bundle.entry[1].resource");
        assert_eq!(sent.resolve("Patient/pat-1", "Patient").unwrap().path, "Bundle.entry[1].resource");
        assert_eq!(sent.resolve("Organization/org-1", "Organization").unwrap().path, "Bundle.entry[2].resource");
        assert!(sent.resolve("Patient/pat-2", "Patient").is_none());
        assert!(sent.follow(&json!({"reference": "urn:uuid:9a1f0b7e-2222-4d6b-8f3a-5e2c1d0b4a77"}), "Organization").is_none());
    }
}
