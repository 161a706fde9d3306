//! JSON Schema compatibility, as Confluent's `SchemaDiff` decides it.
//!
//! [`diff`] walks the original (older, writer) and the update (newer, reader) schema side by
//! side and lists every [`Change`] in the order Confluent reports them; a change kind is
//! compatible or not depending on the [`Policy`]. References are compared through their
//! targets; a schema already being compared on the current walk counts as compatible, so
//! recursive schemas terminate. The walk is also bounded in steps.

use std::collections::HashSet;

use super::change_kinds::{
    COMPATIBLE, EXTRA_ADDITIONAL_ITEMS, EXTRA_ADDITIONAL_PROPERTIES, EXTRA_UNEVALUATED_ITEMS,
    EXTRA_UNEVALUATED_PROPERTIES, LENIENT_ONLY, kind_name,
};
use super::javaorder::{hash_map_order, union_order};
use super::model::{
    ArrayNode, Criterion, ExtraSource, Graph, Kind, NodeId, NumberNode, ObjectNode, StringNode,
};
use super::{Draft, JsonSchema};
use crate::schema::compat::Finding;

pub use crate::model::Policy;

/// One difference between two schemas.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Confluent's difference type, e.g. `REQUIRED_ATTRIBUTE_ADDED`.
    pub kind: &'static str,
    /// Where, e.g. `#/properties/foo`.
    pub path: String,
}

/// Whether a change of this kind keeps the update able to read what the original accepted.
pub fn is_compatible_change(kind: &str, policy: Policy) -> bool {
    COMPATIBLE.contains(&kind) || (policy == Policy::Lenient && LENIENT_ONLY.contains(&kind))
}

/// Every difference from `original` to `update`, in Confluent's order (under the strict
/// policy, which decides the inner choices such as which union member matched).
pub fn diff(original: &JsonSchema, update: &JsonSchema) -> Vec<Change> {
    diff_with(original, update, Policy::Strict)
}

/// The differences from `original` to `update`, inner choices made under `policy`.
pub fn diff_with(original: &JsonSchema, update: &JsonSchema, policy: Policy) -> Vec<Change> {
    let original = original.graph();
    let update = update.graph();
    let mut walker = Walker {
        graphs: [&original, &update],
        original_side: 0,
        policy,
        path: Vec::new(),
        changes: Vec::new(),
        active: HashSet::new(),
        steps: 0,
    };
    walker.compare(Some(original.root), Some(update.root));
    if walker.steps > MAX_STEPS {
        // Not fully compared: never let that pass as compatible.
        walker.changes.push(Change {
            kind: TOO_COMPLEX,
            path: "#/".to_owned(),
        });
    }
    walker.changes
}

/// Whether `reader` can read data valid under `writer`: the changes from writer to reader
/// that `policy` does not allow, as findings (empty = compatible).
pub fn check(reader: &JsonSchema, writer: &JsonSchema, policy: Policy) -> Vec<Finding> {
    diff_with(writer, reader, policy)
        .into_iter()
        .filter(|change| !is_compatible_change(change.kind, policy))
        .map(|change| Finding {
            kind: change.kind.to_owned(),
            message: format!(
                "Incompatible change at '{}': {} ({})",
                change.path,
                change.kind.to_lowercase().replace('_', " "),
                change.kind
            ),
            path: change.path,
        })
        .collect()
}

/// Upper bound on schema comparisons per diff (unions compare every pair of members).
const MAX_STEPS: usize = 200_000;

/// Herald's own change kind (not Confluent's) for a pair of schemas too large to compare
/// within [`MAX_STEPS`]; incompatible under every policy.
pub const TOO_COMPLEX: &str = "SCHEMAS_TOO_COMPLEX_TO_COMPARE";

struct Walker<'g> {
    /// The original's and the update's graph; `original_side` says which one plays the
    /// original (`not` compares its operands the other way round).
    graphs: [&'g Graph; 2],
    original_side: usize,
    policy: Policy,
    path: Vec<String>,
    changes: Vec<Change>,
    /// Original-side schemas being compared on the current walk (cycle detection).
    active: HashSet<(usize, NodeId)>,
    steps: usize,
}

impl<'g> Walker<'g> {
    fn original(&self) -> &'g Graph {
        self.graphs[self.original_side]
    }

    fn update(&self) -> &'g Graph {
        self.graphs[1 - self.original_side]
    }

    fn add(&mut self, kind: &'static str) {
        let path = format!("#/{}", self.path.join("/"));
        self.changes.push(Change { kind, path });
    }

    fn add_at(&mut self, attribute: &str, kind: &'static str) {
        self.path.push(attribute.to_owned());
        self.add(kind);
        self.path.pop();
    }

    fn within<R>(&mut self, segment: impl Into<String>, f: impl FnOnce(&mut Self) -> R) -> R {
        self.path.push(segment.into());
        let result = f(self);
        self.path.pop();
        result
    }

    /// Runs `f` in a sub-context and returns the changes it found (not recorded here).
    fn sub(&mut self, f: impl FnOnce(&mut Self)) -> Vec<Change> {
        let saved = std::mem::take(&mut self.changes);
        f(self);
        std::mem::replace(&mut self.changes, saved)
    }

    fn compatible(&self, changes: &[Change]) -> bool {
        changes
            .iter()
            .all(|c| is_compatible_change(c.kind, self.policy))
    }

    fn compare(&mut self, original: Option<NodeId>, update: Option<NodeId>) {
        self.steps += 1;
        if self.steps > MAX_STEPS {
            return;
        }
        let (original, update) = match (original, update) {
            (None, None) => return,
            (None, Some(_)) => return self.add("SCHEMA_ADDED"),
            (Some(_), None) => return self.add("SCHEMA_REMOVED"),
            (Some(o), Some(u)) => (self.original().deref(o), self.update().deref(u)),
        };
        let o_node = self.original().node(original);
        let u_node = self.update().node(update);
        let (o_kind, u_kind) = (&o_node.kind, &u_node.kind);

        match (o_kind, u_kind) {
            (Kind::Combined(..), Kind::Combined(..)) => {}
            (_, Kind::Combined(criterion, members)) => {
                if members.len() == 1 {
                    let changes = self.sub(|w| w.compare(Some(original), Some(members[0])));
                    if self.compatible(&changes) {
                        self.changes.extend(changes);
                        return;
                    }
                } else if matches!(criterion, Criterion::Any | Criterion::One) {
                    for &member in members {
                        let changes = self.sub(|w| w.compare(Some(original), Some(member)));
                        if self.compatible(&changes) {
                            self.changes.extend(changes);
                            self.add("SUM_TYPE_EXTENDED");
                            return;
                        }
                    }
                }
            }
            (Kind::Combined(criterion, members), _) => {
                if members.len() == 1 {
                    let changes = self.sub(|w| w.compare(Some(members[0]), Some(update)));
                    if self.compatible(&changes) {
                        self.changes.extend(changes);
                        return;
                    }
                } else if *criterion == Criterion::All {
                    for &member in members {
                        let changes = self.sub(|w| w.compare(Some(member), Some(update)));
                        if self.compatible(&changes) {
                            self.changes.extend(changes);
                            self.add("PRODUCT_TYPE_NARROWED");
                            return;
                        }
                    }
                }
            }
            _ => {}
        }

        if o_kind.class() != u_kind.class() {
            if !matches!(o_kind, Kind::False) && !u_kind.is_empty_like() {
                self.add("TYPE_CHANGED");
            }
            return;
        }

        let key = (self.original_side, original);
        if !self.active.insert(key) {
            return;
        }
        let (o_ann, u_ann) = (&o_node.annotations, &u_node.annotations);
        // Confluent's 2020-12 model does not carry `$id`, so it never reports its change.
        if o_ann.id != u_ann.id && !self.graphs.iter().any(|g| g.draft == Draft::Draft202012) {
            self.add("ID_CHANGED");
        }
        if o_ann.title != u_ann.title {
            self.add("TITLE_CHANGED");
        }
        if o_ann.description != u_ann.description {
            self.add("DESCRIPTION_CHANGED");
        }
        if o_ann.default != u_ann.default {
            self.add("DEFAULT_CHANGED");
        }
        match (o_kind, u_kind) {
            (Kind::String(o), Kind::String(u)) => self.string(o, u),
            (Kind::Number(o), Kind::Number(u)) => self.number(o, u),
            (Kind::Enum(o), Kind::Enum(u)) => {
                if let Some(kind) = enum_change(o, u) {
                    self.add_at("enum", kind);
                }
            }
            (Kind::Const(o), Kind::Const(u)) if o != u => {
                self.add_at("const", "ENUM_ARRAY_CHANGED");
            }
            (Kind::Combined(oc, om), Kind::Combined(uc, um)) => self.combined(*oc, om, *uc, um),
            (Kind::Not(o), Kind::Not(u)) => self.not(*o, *u),
            (Kind::Object(o), Kind::Object(u)) => self.object(o, u),
            (Kind::Array(o), Kind::Array(u)) => self.array(o, u),
            _ => {}
        }
        self.active.remove(&key);
    }

    fn string(&mut self, o: &StringNode, u: &StringNode) {
        bound(self, "maxLength", o.max_length, u.max_length, "MAX_LENGTH");
        bound(self, "minLength", o.min_length, u.min_length, "MIN_LENGTH");
        match (&o.pattern, &u.pattern) {
            (None, Some(_)) => self.add_at("pattern", "PATTERN_ADDED"),
            (Some(_), None) => self.add_at("pattern", "PATTERN_REMOVED"),
            (Some(a), Some(b)) if a != b => self.add_at("pattern", "PATTERN_CHANGED"),
            _ => {}
        }
    }

    fn number(&mut self, o: &NumberNode, u: &NumberNode) {
        bound(self, "maximum", o.maximum, u.maximum, "MAXIMUM");
        bound(self, "minimum", o.minimum, u.minimum, "MINIMUM");
        bound(
            self,
            "exclusiveMaximum",
            o.exclusive_maximum,
            u.exclusive_maximum,
            "EXCLUSIVE_MAXIMUM",
        );
        bound(
            self,
            "exclusiveMinimum",
            o.exclusive_minimum,
            u.exclusive_minimum,
            "EXCLUSIVE_MINIMUM",
        );
        let as_f64 =
            |n: &Option<serde_json::Number>| n.as_ref().and_then(serde_json::Number::as_f64);
        match (as_f64(&o.multiple_of), as_f64(&u.multiple_of)) {
            (None, None) => {}
            (None, Some(_)) => self.add_at("multipleOf", "MULTIPLE_OF_ADDED"),
            (Some(_), None) => self.add_at("multipleOf", "MULTIPLE_OF_REMOVED"),
            (Some(a), Some(b)) if a != b => {
                let kind = if divides(a, b) {
                    "MULTIPLE_OF_EXPANDED"
                } else if divides(b, a) {
                    "MULTIPLE_OF_REDUCED"
                } else {
                    "MULTIPLE_OF_CHANGED"
                };
                self.add_at("multipleOf", kind);
            }
            _ => {}
        }
        if o.integer != u.integer {
            self.add(if o.integer {
                "TYPE_EXTENDED"
            } else {
                "TYPE_NARROWED"
            });
        }
    }

    fn combined(&mut self, oc: Criterion, om: &[NodeId], uc: Criterion, um: &[NodeId]) {
        if oc != uc {
            let extended = uc == Criterion::Any
                || (om.len() == 1 && um.len() == 1)
                || (om.len() == 1 && uc == Criterion::One)
                || (um.len() == 1 && oc == Criterion::All);
            if extended {
                self.add("COMBINED_TYPE_EXTENDED");
            } else {
                self.add("COMBINED_TYPE_CHANGED");
                return;
            }
        }
        if om.len() < um.len() {
            self.add(if uc == Criterion::All {
                "PRODUCT_TYPE_EXTENDED"
            } else {
                "SUM_TYPE_EXTENDED"
            });
        } else if om.len() > um.len() {
            self.add(if oc == Criterion::All {
                "PRODUCT_TYPE_NARROWED"
            } else {
                "SUM_TYPE_NARROWED"
            });
        }
        // Compatible pairs only: (update member, its changes) per original member.
        let mut edges: Vec<Vec<(usize, Vec<Change>)>> = Vec::with_capacity(om.len());
        for (i, &o) in om.iter().enumerate() {
            if self.steps > MAX_STEPS {
                break;
            }
            let row = self.within(format!("{}/{i}", oc.keyword()), |w| {
                let mut row = Vec::new();
                for (j, &u) in um.iter().enumerate() {
                    if w.steps > MAX_STEPS {
                        break;
                    }
                    let changes = w.sub(|w| w.compare(Some(o), Some(u)));
                    if w.compatible(&changes) {
                        row.push((j, changes));
                    }
                }
                row
            });
            edges.push(row);
        }
        let adjacency: Vec<Vec<usize>> = edges
            .iter()
            .map(|row| row.iter().map(|(j, _)| *j).collect())
            .collect();
        let matched = super::matching::maximum_matching(&adjacency, um.len());
        let mut size = 0;
        for (i, j) in matched.iter().enumerate() {
            if let Some(j) = j
                && let Some(row) = edges.get_mut(i)
                && let Some((_, changes)) = row.iter_mut().find(|(k, _)| k == j)
            {
                size += 1;
                let changes = std::mem::take(changes);
                self.changes.extend(changes);
            }
        }
        if size < om.len().min(um.len()) {
            self.add("COMBINED_TYPE_SUBSCHEMAS_CHANGED");
        }
    }

    fn not(&mut self, o: NodeId, u: NodeId) {
        self.within("not", |w| {
            // Reversed: the update's operand must accept what the original's does.
            w.original_side = 1 - w.original_side;
            let changes = w.sub(|w| w.compare(Some(u), Some(o)));
            w.original_side = 1 - w.original_side;
            let kind = if w.compatible(&changes) {
                "NOT_TYPE_NARROWED"
            } else {
                "NOT_TYPE_EXTENDED"
            };
            w.add(kind);
        });
    }

    fn has_default(graph: &Graph, id: NodeId) -> bool {
        graph.node(id).annotations.default.is_some()
            || graph.node(graph.deref(id)).annotations.default.is_some()
    }

    fn object(&mut self, o: &ObjectNode, u: &ObjectNode) {
        let (og, ug) = (self.original(), self.update());
        let property = |node: &ObjectNode, key: &str| {
            node.properties
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, id)| *id)
        };
        let required = |node: &ObjectNode, key: &str| node.required.iter().any(|r| r == key);

        self.within("required", |w| {
            for key in hash_map_order(o.properties.iter().map(|(k, _)| k.as_str())) {
                let Some(u_prop) = property(u, &key) else {
                    continue;
                };
                let (was, is) = (required(o, &key), required(u, &key));
                if was && !is {
                    w.add_at(&key, "REQUIRED_ATTRIBUTE_REMOVED");
                } else if !was && is {
                    let kind = if Self::has_default(ug, u_prop) {
                        "REQUIRED_ATTRIBUTE_WITH_DEFAULT_ADDED"
                    } else {
                        "REQUIRED_ATTRIBUTE_ADDED"
                    };
                    w.add_at(&key, kind);
                }
            }
        });

        self.within("properties", |w| {
            let keys = union_order(
                o.properties.iter().map(|(k, _)| k.as_str()),
                u.properties.iter().map(|(k, _)| k.as_str()),
            );
            for key in keys {
                let (o_prop, u_prop) = (property(o, &key), property(u, &key));
                w.within(key.clone(), |w| match (o_prop, u_prop) {
                    (Some(o_prop), None) => {
                        if is_open(u) {
                            w.add("PROPERTY_REMOVED_FROM_OPEN_CONTENT_MODEL");
                        } else if let Some(partial) = partial_schema(u, &key) {
                            let changes = w.sub(|w| w.compare(Some(o_prop), Some(partial)));
                            let covered = w.compatible(&changes);
                            w.changes.extend(changes);
                            w.add(if covered {
                                "PROPERTY_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
                            } else {
                                "PROPERTY_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
                            });
                        } else if matches!(og.node(o_prop).kind, Kind::False) {
                            w.add("PROPERTY_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL");
                        } else {
                            w.add("PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL");
                        }
                    }
                    (None, Some(u_prop)) => {
                        let is_required = required(u, &key);
                        let with_default = Self::has_default(ug, u_prop);
                        if is_open(o) {
                            let kind = if ug.node(u_prop).kind.is_empty_like() {
                                "PROPERTY_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL"
                            } else if is_required && with_default {
                                "REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_OPEN_CONTENT_MODEL"
                            } else if is_required {
                                "REQUIRED_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL"
                            } else {
                                "OPTIONAL_PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL"
                            };
                            w.add(kind);
                        } else {
                            if let Some(partial) = partial_schema(o, &key) {
                                let changes = w.sub(|w| w.compare(Some(partial), Some(u_prop)));
                                let covered = w.compatible(&changes);
                                w.changes.extend(changes);
                                w.add(if covered {
                                    "PROPERTY_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
                                } else {
                                    "PROPERTY_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
                                });
                            }
                            w.add(if is_required && with_default {
                                "REQUIRED_PROPERTY_WITH_DEFAULT_ADDED_TO_UNOPEN_CONTENT_MODEL"
                            } else if is_required {
                                "REQUIRED_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL"
                            } else {
                                "OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL"
                            });
                        }
                    }
                    (Some(o_prop), Some(u_prop)) => w.compare(Some(o_prop), Some(u_prop)),
                    (None, None) => {}
                });
            }
        });

        self.within("dependencies", |w| {
            let keys = union_order(
                o.property_dependencies.iter().map(|(k, _)| k.as_str()),
                u.property_dependencies.iter().map(|(k, _)| k.as_str()),
            );
            for key in keys {
                let kind = match (property_dependency(o, &key), property_dependency(u, &key)) {
                    (_, None) => Some("DEPENDENCY_ARRAY_REMOVED"),
                    (None, Some(_)) => Some("DEPENDENCY_ARRAY_ADDED"),
                    (Some(a), Some(b)) => {
                        let a_in_b = a.iter().all(|x| b.contains(x));
                        let b_in_a = b.iter().all(|x| a.contains(x));
                        match (a_in_b, b_in_a) {
                            (true, true) => None,
                            (true, false) => Some("DEPENDENCY_ARRAY_EXTENDED"),
                            (false, true) => Some("DEPENDENCY_ARRAY_NARROWED"),
                            (false, false) => Some("DEPENDENCY_ARRAY_CHANGED"),
                        }
                    }
                };
                if let Some(kind) = kind {
                    w.add_at(&key, kind);
                }
            }
            let keys = union_order(
                o.schema_dependencies.iter().map(|(k, _)| k.as_str()),
                u.schema_dependencies.iter().map(|(k, _)| k.as_str()),
            );
            let find = |node: &ObjectNode, key: &str| {
                node.schema_dependencies
                    .iter()
                    .find(|(k, _)| k == key)
                    .map(|(_, v)| *v)
            };
            for key in keys {
                let (a, b) = (find(o, &key), find(u, &key));
                w.within(key, |w| match (a, b) {
                    (_, None) => w.add("DEPENDENCY_SCHEMA_REMOVED"),
                    (None, Some(_)) => w.add("DEPENDENCY_SCHEMA_ADDED"),
                    (Some(a), Some(b)) => w.compare(Some(a), Some(b)),
                });
            }
        });

        let unevaluated = o.additional_source == ExtraSource::Unevaluated
            && u.additional_source == ExtraSource::Unevaluated;
        let (segment, names) = if unevaluated {
            ("unevaluatedProperties", EXTRA_UNEVALUATED_PROPERTIES)
        } else {
            ("additionalProperties", EXTRA_ADDITIONAL_PROPERTIES)
        };
        self.within(segment, |w| {
            w.extra(
                (o.permits_additional, o.additional),
                (u.permits_additional, u.additional),
                names,
            )
        });

        bound(
            self,
            "maxProperties",
            o.max_properties,
            u.max_properties,
            "MAX_PROPERTIES",
        );
        bound(
            self,
            "minProperties",
            o.min_properties,
            u.min_properties,
            "MIN_PROPERTIES",
        );
    }

    /// additionalProperties / additionalItems and their unevaluated forms. `names` =
    /// [ADDED, REMOVED, NARROWED, EXTENDED].
    fn extra(
        &mut self,
        (o_permits, o_schema): (bool, Option<NodeId>),
        (u_permits, u_schema): (bool, Option<NodeId>),
        names: [&'static str; 4],
    ) {
        if o_permits != u_permits {
            self.add(if u_permits { names[0] } else { names[1] });
        } else if o_schema.is_none() && u_schema.is_some() {
            self.add(names[2]);
        } else if o_schema.is_some() && u_schema.is_none() {
            self.add(names[3]);
        } else {
            self.compare(o_schema, u_schema);
        }
    }

    fn array(&mut self, o: &ArrayNode, u: &ArrayNode) {
        let (og, ug) = (self.original(), self.update());
        self.within("items", |w| w.compare(o.all_items, u.all_items));

        let common = o.item_schemas.len().min(u.item_schemas.len());
        for index in 0..common {
            self.within(format!("items/{index}"), |w| {
                w.compare(Some(o.item_schemas[index]), Some(u.item_schemas[index]))
            });
        }
        for (index, &o_item) in o.item_schemas.iter().enumerate().skip(common) {
            self.within(format!("items/{index}"), |w| {
                if is_open_array(u) {
                    w.add("ITEM_REMOVED_FROM_OPEN_CONTENT_MODEL");
                } else if let Some(partial) = u.additional {
                    let changes = w.sub(|w| w.compare(Some(o_item), Some(partial)));
                    let covered = w.compatible(&changes);
                    w.changes.extend(changes);
                    w.add(if covered {
                        "ITEM_REMOVED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
                    } else {
                        "ITEM_REMOVED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
                    });
                } else if matches!(og.node(o_item).kind, Kind::False) {
                    w.add("ITEM_WITH_FALSE_REMOVED_FROM_CLOSED_CONTENT_MODEL");
                } else {
                    w.add("ITEM_REMOVED_FROM_CLOSED_CONTENT_MODEL");
                }
            });
        }
        for (index, &u_item) in u.item_schemas.iter().enumerate().skip(common) {
            self.within(format!("items/{index}"), |w| {
                if is_open_array(o) {
                    w.add(if ug.node(u_item).kind.is_empty_like() {
                        "ITEM_WITH_EMPTY_SCHEMA_ADDED_TO_OPEN_CONTENT_MODEL"
                    } else {
                        "ITEM_ADDED_TO_OPEN_CONTENT_MODEL"
                    });
                } else if let Some(partial) = o.additional {
                    let changes = w.sub(|w| w.compare(Some(partial), Some(u_item)));
                    let covered = w.compatible(&changes);
                    w.changes.extend(changes);
                    w.add(if covered {
                        "ITEM_ADDED_IS_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
                    } else {
                        "ITEM_ADDED_NOT_COVERED_BY_PARTIALLY_OPEN_CONTENT_MODEL"
                    });
                } else {
                    w.add("ITEM_ADDED_TO_CLOSED_CONTENT_MODEL");
                }
            });
        }

        let unevaluated = o.additional_source == ExtraSource::Unevaluated
            && u.additional_source == ExtraSource::Unevaluated;
        let (segment, names) = if unevaluated {
            ("unevaluatedItems", EXTRA_UNEVALUATED_ITEMS)
        } else {
            ("additionalItems", EXTRA_ADDITIONAL_ITEMS)
        };
        self.within(segment, |w| {
            w.extra(
                (o.permits_additional, o.additional),
                (u.permits_additional, u.additional),
                names,
            )
        });

        bound(self, "maxItems", o.max_items, u.max_items, "MAX_ITEMS");
        bound(self, "minItems", o.min_items, u.min_items, "MIN_ITEMS");
        if o.unique_items != u.unique_items {
            let kind = if o.unique_items {
                "UNIQUE_ITEMS_REMOVED"
            } else {
                "UNIQUE_ITEMS_ADDED"
            };
            self.add_at("uniqueItems", kind);
        }
        bound(
            self,
            "maxContains",
            o.max_contains,
            u.max_contains,
            "MAX_CONTAINS",
        );
        bound(
            self,
            "minContains",
            o.min_contains,
            u.min_contains,
            "MIN_CONTAINS",
        );
    }
}

fn property_dependency<'a>(node: &'a ObjectNode, key: &str) -> Option<&'a Vec<String>> {
    node.property_dependencies
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v)
}

/// An object accepting any further property.
fn is_open(node: &ObjectNode) -> bool {
    node.pattern_properties.is_empty() && node.additional.is_none() && node.permits_additional
}

fn is_open_array(node: &ArrayNode) -> bool {
    node.additional.is_none() && node.permits_additional
}

/// The schema a partially open object applies to an undeclared property `key`: the first
/// matching `patternProperties` entry, else the additional-properties schema.
fn partial_schema(node: &ObjectNode, key: &str) -> Option<NodeId> {
    node.pattern_properties
        .iter()
        .find(|(pattern, _)| pattern_finds(pattern, key))
        .map(|(_, id)| *id)
        .or(node.additional)
}

/// Whether the ECMA-262 `pattern` matches somewhere in `text` (JSON Schema semantics),
/// evaluated by the validator's own regex engine.
fn pattern_finds(pattern: &str, text: &str) -> bool {
    let schema = serde_json::json!({ "type": "string", "pattern": pattern });
    jsonschema::validator_for(&schema)
        .map(|v| v.is_valid(&serde_json::Value::String(text.to_owned())))
        .unwrap_or(false)
}

/// Compares a numeric limit; `prefix` + `_ADDED`/`_REMOVED`/`_INCREASED`/`_DECREASED`.
fn bound<T: PartialOrd + Copy>(
    walker: &mut Walker<'_>,
    attribute: &str,
    original: Option<T>,
    update: Option<T>,
    prefix: &'static str,
) {
    let suffix = match (original, update) {
        (None, Some(_)) => "ADDED",
        (Some(_), None) => "REMOVED",
        (Some(a), Some(b)) if a < b => "INCREASED",
        (Some(a), Some(b)) if a > b => "DECREASED",
        _ => return,
    };
    walker.add_at(attribute, kind_name(prefix, suffix));
}

/// Whether `divisor` divides `value` (every multiple of `value` is one of `divisor`).
fn divides(divisor: f64, value: f64) -> bool {
    if divisor == 0.0 {
        return false;
    }
    let ratio = value / divisor;
    ratio.is_finite() && (ratio - ratio.round()).abs() < 1e-9
}

fn enum_change(
    original: &[serde_json::Value],
    update: &[serde_json::Value],
) -> Option<&'static str> {
    // Compared through their JSON text so that huge enums stay linear.
    let texts = |values: &[serde_json::Value]| -> HashSet<String> {
        values.iter().map(serde_json::Value::to_string).collect()
    };
    let (original, update) = (texts(original), texts(update));
    let update_has_all = original.is_subset(&update);
    let original_has_all = update.is_subset(&original);
    match (update_has_all, original_has_all) {
        (true, true) => None,
        (true, false) => Some("ENUM_ARRAY_EXTENDED"),
        (false, true) => Some("ENUM_ARRAY_NARROWED"),
        (false, false) => Some("ENUM_ARRAY_CHANGED"),
    }
}
