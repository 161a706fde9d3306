//! The parsed Avro schema: a tree of [`Schema`] nodes whose named types live in a
//! [`TypeTable`] and are referred to by index, so recursive types and references into
//! dependencies are plain indexes.

use std::collections::HashMap;

use serde_json::Value;

/// Custom attributes (anything not reserved), in their original order.
pub type Props = Vec<(String, Value)>;

/// The eight primitive types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Primitive {
    Null,
    Boolean,
    Int,
    Long,
    Float,
    Double,
    Bytes,
    String,
}

impl Primitive {
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "null" => Self::Null,
            "boolean" => Self::Boolean,
            "int" => Self::Int,
            "long" => Self::Long,
            "float" => Self::Float,
            "double" => Self::Double,
            "bytes" => Self::Bytes,
            "string" => Self::String,
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Null => "null",
            Self::Boolean => "boolean",
            Self::Int => "int",
            Self::Long => "long",
            Self::Float => "float",
            Self::Double => "double",
            Self::Bytes => "bytes",
            Self::String => "string",
        }
    }
}

/// Every type name of the Avro type system (`Schema.Type` in Java, lower case).
pub const TYPE_NAMES: [&str; 14] = [
    "record", "enum", "array", "map", "union", "fixed", "string", "bytes", "int", "long", "float",
    "double", "boolean", "null",
];

/// A schema node. Named types are stored once in the [`TypeTable`].
#[derive(Debug, Clone)]
pub enum Schema {
    Primitive {
        kind: Primitive,
        props: Props,
    },
    Array {
        items: Box<Schema>,
        props: Props,
    },
    Map {
        values: Box<Schema>,
        props: Props,
    },
    Union(Vec<Schema>),
    /// A record, enum or fixed: index into the [`TypeTable`].
    Named(usize),
}

/// A possibly namespaced name. `space` is `None` for the null namespace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Name {
    pub name: String,
    pub space: Option<String>,
}

impl Name {
    pub fn full(&self) -> String {
        match &self.space {
            Some(space) => format!("{space}.{}", self.name),
            None => self.name.clone(),
        }
    }

    /// Java `Name.getQualified`: the short name when in `default_space` (unless the short
    /// name would read as a type name), else the full name.
    pub fn qualified(&self, default_space: Option<&str>) -> String {
        match (&self.space, default_space) {
            (Some(space), Some(default)) if space == default => {
                if TYPE_NAMES.contains(&self.name.as_str()) {
                    self.full()
                } else {
                    self.name.clone()
                }
            }
            _ => self.full(),
        }
    }
}

/// Field sort order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    Ascending,
    Descending,
    Ignore,
}

impl Order {
    pub fn lower(self) -> &'static str {
        match self {
            Self::Ascending => "ascending",
            Self::Descending => "descending",
            Self::Ignore => "ignore",
        }
    }

    pub fn upper(self) -> &'static str {
        match self {
            Self::Ascending => "ASCENDING",
            Self::Descending => "DESCENDING",
            Self::Ignore => "IGNORE",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Field {
    pub name: String,
    pub schema: Schema,
    pub doc: Option<String>,
    /// The default as given (float/double defaults written as strings already converted).
    pub default: Option<Value>,
    pub order: Order,
    /// Field aliases, as written (deduplicated, first occurrence kept).
    pub aliases: Vec<String>,
    pub props: Props,
}

#[derive(Debug, Clone)]
pub enum NamedKind {
    Record {
        is_error: bool,
        fields: Vec<Field>,
        /// False while the record's own fields are being parsed.
        complete: bool,
    },
    Enum {
        symbols: Vec<String>,
        default: Option<String>,
    },
    Fixed {
        size: u32,
    },
}

#[derive(Debug, Clone)]
pub struct NamedType {
    pub name: Name,
    pub doc: Option<String>,
    /// Aliases resolved against the type's namespace (deduplicated, in order).
    pub aliases: Vec<Name>,
    pub props: Props,
    pub kind: NamedKind,
}

impl NamedType {
    /// Java `Schema.getAliases()`: full names, with an alias in the null namespace of a
    /// namespaced type written `.Name`.
    pub fn java_aliases(&self) -> Vec<String> {
        self.aliases
            .iter()
            .map(|alias| {
                if alias.space.is_none() && self.name.space.is_some() {
                    format!(".{}", alias.name)
                } else {
                    alias.full()
                }
            })
            .collect()
    }

    /// The upper-case Java type name (`RECORD`, `ENUM`, `FIXED`).
    pub fn type_name(&self) -> &'static str {
        match self.kind {
            NamedKind::Record { .. } => "record",
            NamedKind::Enum { .. } => "enum",
            NamedKind::Fixed { .. } => "fixed",
        }
    }
}

/// All named types known to one parse: those of the dependencies first, then the schema's.
#[derive(Debug, Clone, Default)]
pub struct TypeTable {
    pub types: Vec<NamedType>,
    pub by_name: HashMap<String, usize>,
}

impl TypeTable {
    pub fn get(&self, index: usize) -> Option<&NamedType> {
        self.types.get(index)
    }

    pub fn lookup(&self, full_name: &str) -> Option<usize> {
        self.by_name.get(full_name).copied()
    }

    /// How Avro's JSON encoding names a union branch: the primitive or container type
    /// name, or a named type's full name.
    pub fn branch_name(&self, schema: &Schema) -> String {
        match schema {
            Schema::Primitive { kind, .. } => kind.name().to_string(),
            Schema::Array { .. } => "array".into(),
            Schema::Map { .. } => "map".into(),
            Schema::Union(_) => "union".into(),
            Schema::Named(index) => self.get(*index).map(|t| t.name.full()).unwrap_or_default(),
        }
    }
}

/// Orders strings as Java's `String.compareTo` does (UTF-16 code units).
pub fn java_string_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}
