//! The planning context that expressions read, built once per district.
//!
//! At the top level are the district's fields; `derived`, `findings` and
//! `state` are namespaces. `derived` and `findings` are filled in as the
//! engine evaluates them in dependency order: a slot left empty is unknown,
//! which minijinja's strict mode turns into an undefined error.

use std::sync::{Arc, OnceLock};

use minijinja::value::{Enumerator, Object, Value};

use crate::hash::HashMap;

/// Write-once values by id: a namespace the engine fills as it goes.
#[derive(Debug)]
pub(crate) struct Slots {
    index: Arc<HashMap<String, usize>>,
    values: Vec<OnceLock<Value>>,
}

impl Slots {
    pub fn new(index: Arc<HashMap<String, usize>>) -> Arc<Slots> {
        let values = (0..index.len()).map(|_| OnceLock::new()).collect();
        Arc::new(Slots { index, values })
    }

    pub fn set(&self, i: usize, value: Value) {
        // Each slot is evaluated once, in dependency order.
        let _ = self.values[i].set(value);
    }
}

impl Object for Slots {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        let i = *self.index.get(key.as_str()?)?;
        self.values[i].get().cloned()
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        let mut known: Vec<Value> = self
            .index
            .iter()
            .filter(|(_, &i)| self.values[i].get().is_some())
            .map(|(k, _)| Value::from(k.as_str()))
            .collect();
        known.sort();
        Enumerator::Values(known)
    }
}

/// The root of the context: district fields plus the three namespaces.
#[derive(Debug)]
pub(crate) struct Scope {
    district: Value,
    state: Value,
    derived: Value,
    findings: Value,
}

impl Scope {
    /// The context root as a minijinja value.
    pub fn root(
        district: Value,
        state: Value,
        derived: &Arc<Slots>,
        findings: &Arc<Slots>,
    ) -> Value {
        Value::from_object(Scope {
            district,
            state,
            derived: Value::from_dyn_object(derived.clone()),
            findings: Value::from_dyn_object(findings.clone()),
        })
    }
}

impl Object for Scope {
    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        match key.as_str()? {
            "derived" => Some(self.derived.clone()),
            "findings" => Some(self.findings.clone()),
            "state" => Some(self.state.clone()),
            field => self
                .district
                .get_attr(field)
                .ok()
                .filter(|v| !v.is_undefined()),
        }
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Str(&["derived", "findings", "state"])
    }
}

/// The value at a dotted path, if every step is defined.
pub(crate) fn lookup(root: &Value, path: &str) -> Option<Value> {
    let mut value = root.clone();
    for part in path.split('.') {
        value = value.get_attr(part).ok()?;
        if value.is_undefined() || value.is_none() {
            return None;
        }
    }
    Some(value)
}
