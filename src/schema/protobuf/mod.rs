//! Protobuf: parsing (`.proto` text or a base64 `FileDescriptorProto`), Confluent's
//! canonical and normalized printing, message indexes and the compatibility diff.
//!
//! Public surface:
//! - `ProtobufSchema::parse(text, dependencies) -> Result<ProtobufSchema, SchemaError>`
//!   (`parse_with` takes [`ParseOptions`]: `validate_fields` makes imports strict)
//! - `canonical_text()`, `normalized_text()`, `serialized()`
//! - `message_names()`, `message_by_indexes(&[i32])`
//! - `compat::diff(original, update)`, `compat::check(reader, writer)`
//! - `self_contained_text(loadable)`: the file with copies of what it imports, for readers
//!   that cannot load imports ([`flatten`])
//!
//! Files are compiled with protox against the dependencies (import path -> text), the
//! built-in Confluent and `google/type` files ([`builtin`]) and protox's well-known types.
//! A file that does not compile as written is compiled again with its imports amended to
//! what it uses ([`lenient`]), unless `validate_fields` is set.

mod builtin;
pub mod compat;
mod descriptor_check;
pub(crate) mod fields;
mod flatten;
mod lenient;
mod option_text;
mod print;
mod scan;
pub mod standalone;

use std::collections::HashMap;
use std::sync::Arc;

use base64::Engine as _;
use prost_reflect::prost::Message as _;
use prost_reflect::prost_types::FileDescriptorProto;
use prost_reflect::{DescriptorPool, FileDescriptor, MessageDescriptor};
use protox::file::{ChainFileResolver, File, FileResolver, GoogleFileResolver};

use super::{Dependency, ParseOptions, SchemaError};

pub use builtin::is_builtin;

/// Deepest `{` nesting accepted: protox parses recursively.
const MAX_DEPTH: usize = 200;

#[derive(Debug, Clone)]
pub struct ProtobufSchema {
    /// The main file as written (type names unresolved, options uninterpreted).
    source: Arc<FileDescriptorProto>,
    /// The compiled main file (its pool holds all the imports).
    file: FileDescriptor,
    /// The main file came as a binary descriptor.
    from_descriptor: bool,
}

#[derive(Clone)]
enum Source {
    Text(String),
    Descriptor(Box<FileDescriptorProto>),
}

/// Dependencies by import path, then the built-in files.
struct MemoryResolver {
    files: Arc<HashMap<String, Source>>,
}

impl FileResolver for MemoryResolver {
    fn open_file(&self, name: &str) -> Result<File, protox::Error> {
        match self.files.get(name) {
            Some(Source::Text(text)) => File::from_source(name, text),
            Some(Source::Descriptor(fd)) => {
                let mut fd = (**fd).clone();
                fd.name = Some(name.to_owned());
                Ok(File::from_file_descriptor_proto(fd))
            }
            None => match builtin::source(name) {
                Some(text) => File::from_source(name, text),
                None => Err(protox::Error::file_not_found(name)),
            },
        }
    }
}

/// Compiles `main` against `files` and the built-ins.
fn compile(
    files: &Arc<HashMap<String, Source>>,
    main: &str,
) -> Result<FileDescriptor, SchemaError> {
    let mut resolver = ChainFileResolver::new();
    resolver.add(MemoryResolver {
        files: Arc::clone(files),
    });
    resolver.add(GoogleFileResolver::new());
    let mut compiler = protox::Compiler::with_file_resolver(resolver);
    compiler.include_imports(true);
    compiler
        .open_file(main)
        .map_err(|e| SchemaError::new(error_text(&e, main)))?;
    compiler
        .descriptor_pool()
        .get_file_by_name(main)
        .ok_or_else(|| SchemaError::new("the schema did not compile"))
}

/// Compiles again with every file's imports amended to what it uses ([`lenient`]).
/// `None` when some file does not even parse, so the compiler's first error stands.
fn compile_leniently(
    files: &HashMap<String, Source>,
    order: &[String],
    main: &str,
) -> Option<Result<FileDescriptor, SchemaError>> {
    let mut parsed = Vec::with_capacity(order.len());
    for name in order {
        let fd = match files.get(name)? {
            Source::Text(text) => File::from_source(name, text)
                .ok()?
                .file_descriptor_proto()
                .clone(),
            Source::Descriptor(fd) => (**fd).clone(),
        };
        parsed.push((name.clone(), fd));
    }
    let amended = match lenient::amend(parsed) {
        Ok(amended) => amended,
        // Confluent's words; the compiler's would suggest an import could fix it. As in
        // `error_text`, only a dependency's file is named.
        Err(lenient::Unresolved { file, name }) => {
            let place = if file == main {
                String::new()
            } else {
                format!("{file}: ")
            };
            return Some(Err(SchemaError::new(format!(
                "{place}Could not resolve type '{name}'"
            ))));
        }
    };
    let amended_files = amended
        .into_iter()
        .map(|(name, fd)| (name, Source::Descriptor(Box::new(fd))))
        .collect();
    Some(compile(&Arc::new(amended_files), main))
}

fn error_text(err: &protox::Error, main: &str) -> String {
    match err.file() {
        Some(file) if file != main => format!("{file}: {err}"),
        _ => err.to_string(),
    }
}

/// Decodes base64 of a serialized `FileDescriptorProto`, if `text` is that.
fn decode_descriptor(text: &str) -> Option<FileDescriptorProto> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if compact.is_empty() {
        return None;
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(compact.as_bytes())
        .ok()?;
    let fd = FileDescriptorProto::decode(bytes.as_slice()).ok()?;
    let meaningful = !fd.message_type.is_empty()
        || !fd.enum_type.is_empty()
        || !fd.service.is_empty()
        || fd.syntax.is_some()
        || fd.package.is_some();
    meaningful.then_some(fd)
}

impl ProtobufSchema {
    /// Parses `.proto` text (or base64 of a serialized `FileDescriptorProto`) with its
    /// dependencies (import path and text, dependencies first), with Confluent's default
    /// leniency about imports.
    pub fn parse(text: &str, dependencies: &[Dependency]) -> Result<Self, SchemaError> {
        Self::parse_with(text, dependencies, ParseOptions::default())
    }

    /// [`parse`](Self::parse), with `options.validate_fields` asking for exact imports.
    pub fn parse_with(
        text: &str,
        dependencies: &[Dependency],
        options: ParseOptions,
    ) -> Result<Self, SchemaError> {
        let mut files = HashMap::new();
        // Dependencies first, the main file last: the order imports may point in.
        let mut order = Vec::new();
        for dependency in dependencies {
            let source = if scan::max_depth(&dependency.text) > MAX_DEPTH {
                return Err(SchemaError::new(format!(
                    "Invalid reference {}: nesting deeper than {MAX_DEPTH} levels",
                    dependency.name
                )));
            } else if File::from_source(&dependency.name, &dependency.text).is_err()
                && let Some(fd) = decode_descriptor(&dependency.text)
            {
                descriptor_check::check(&fd).map_err(|e| {
                    SchemaError::new(format!("Invalid reference {}: {e}", dependency.name))
                })?;
                Source::Descriptor(Box::new(fd))
            } else {
                Source::Text(dependency.text.clone())
            };
            if files.insert(dependency.name.clone(), source).is_none() {
                order.push(dependency.name.clone());
            }
        }
        let mut file_name = String::from("default.proto");
        let mut n = 0;
        while files.contains_key(&file_name) || builtin::is_builtin(&file_name) {
            n += 1;
            file_name = format!("default_{n}.proto");
        }

        let depth = scan::max_depth(text);
        let (source, main, from_descriptor) = match File::from_source(&file_name, text) {
            Ok(file) if depth <= MAX_DEPTH => {
                let mut fd = file.file_descriptor_proto().clone();
                if fd.syntax.is_none() && scan::declares_syntax(text) {
                    fd.syntax = Some("proto2".into());
                }
                (fd, Source::Text(text.to_owned()), false)
            }
            result => match decode_descriptor(text) {
                Some(mut fd) => {
                    descriptor_check::check(&fd)?;
                    fd.name = Some(file_name.clone());
                    (fd.clone(), Source::Descriptor(Box::new(fd)), true)
                }
                None if depth > MAX_DEPTH => {
                    return Err(SchemaError::new(format!(
                        "nesting deeper than {MAX_DEPTH} levels"
                    )));
                }
                None => {
                    let reason = match result {
                        Err(err) => error_text(&err, &file_name),
                        Ok(_) => "unparseable schema".to_owned(),
                    };
                    return Err(SchemaError::new(reason));
                }
            },
        };
        files.insert(file_name.clone(), main);
        order.push(file_name.clone());

        let files = Arc::new(files);
        let file = match compile(&files, &file_name) {
            Ok(file) => file,
            Err(err) if options.validate_fields => return Err(err),
            Err(err) => compile_leniently(&files, &order, &file_name).ok_or(err)??,
        };
        Ok(Self {
            source: Arc::new(source),
            file,
            from_descriptor,
        })
    }

    fn printer(&self, normalize: bool) -> print::Printer<'_> {
        print::Printer {
            normalize,
            pool: self.file.parent_pool(),
            file: &self.source,
            from_descriptor: self.from_descriptor,
            comments: None,
        }
    }

    /// Confluent's canonical `.proto` print: the stored, returned and hashed text.
    pub fn canonical_text(&self) -> String {
        self.printer(false).print()
    }

    /// Confluent's normalized print (`normalize=true`).
    pub fn normalized_text(&self) -> String {
        self.printer(true).print()
    }

    /// The compiled main file.
    pub fn file(&self) -> FileDescriptor {
        self.file.clone()
    }

    /// The descriptor pool: the main file and everything it imports.
    pub fn pool(&self) -> &DescriptorPool {
        self.file.parent_pool()
    }

    /// Base64 of the main file's `FileDescriptorProto` (`format=serialized`).
    pub fn serialized(&self) -> String {
        let mut proto = self.file.file_descriptor_proto().clone();
        // Locations and comments are not part of the schema.
        proto.source_code_info = None;
        let bytes = proto.encode_to_vec();
        base64::engine::general_purpose::STANDARD.encode(bytes)
    }

    /// Full names of the top-level messages, in order (index `[i]`).
    pub fn message_names(&self) -> Vec<String> {
        self.file()
            .messages()
            .map(|m| m.full_name().to_owned())
            .collect()
    }

    /// The message at a Confluent message-index path: `[i]` is the i-th top-level
    /// message, `[i, j]` the j-th nested message of it (map entries not counted).
    pub fn message_by_indexes(&self, indexes: &[i32]) -> Option<MessageDescriptor> {
        let (first, rest) = indexes.split_first()?;
        let mut current = self.file().messages().nth(usize::try_from(*first).ok()?)?;
        for index in rest {
            let next = current
                .child_messages()
                .filter(|m| !m.is_map_entry())
                .nth(usize::try_from(*index).ok()?)?;
            current = next;
        }
        Some(current)
    }

    /// The message-index path of a message by full name (inverse of
    /// [`message_by_indexes`](Self::message_by_indexes)).
    pub fn indexes_of(&self, full_name: &str) -> Option<Vec<i32>> {
        fn walk(messages: Vec<MessageDescriptor>, full_name: &str, path: &mut Vec<i32>) -> bool {
            for (i, m) in messages.into_iter().enumerate() {
                path.push(i32::try_from(i).unwrap_or(i32::MAX));
                if m.full_name() == full_name {
                    return true;
                }
                let children = m.child_messages().filter(|c| !c.is_map_entry()).collect();
                if walk(children, full_name, path) {
                    return true;
                }
                path.pop();
            }
            false
        }
        let mut path = Vec::new();
        walk(self.file().messages().collect(), full_name, &mut path).then_some(path)
    }
}

#[cfg(test)]
mod tests;
