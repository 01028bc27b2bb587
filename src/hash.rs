//! The hash maps and sets of rule-base loading and planning, keyed by
//! names the rules and the district file give: the standard types with
//! foldhash's hasher, seeded per process like the standard one, about a
//! quarter of SipHash's work on short names. Nothing iterates them into
//! output (a random seed already rules that out), so plans do not change.

pub(crate) type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
pub(crate) type HashSet<T> = std::collections::HashSet<T, foldhash::fast::RandomState>;
