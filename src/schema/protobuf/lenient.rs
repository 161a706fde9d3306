//! Confluent's default import leniency (`validateFields` off): a file may use a type from
//! any referenced file or built-in without importing it, and may import a file that no
//! reference names. Only a name defined nowhere is refused.
//!
//! protox resolves names strictly, so before compiling we amend each file's import list:
//! imports that open nothing are dropped and the files defining the names it uses, but
//! did not import, are added. Only the compiled copy is amended; the text as written is
//! what is stored and printed. protox still resolves every name, so a file is never
//! accepted here that protobuf's scoping rules would refuse once the imports are exact.

use std::collections::{HashMap, HashSet};
use std::rc::Rc;
use std::sync::OnceLock;

use prost_reflect::prost_types::{
    DescriptorProto, EnumDescriptorProto, FieldDescriptorProto, FileDescriptorProto,
    UninterpretedOption,
};
use protox::file::{File, FileResolver, GoogleFileResolver};

use super::builtin;

/// Which files define each fully qualified name, in order of preference.
#[derive(Default)]
struct Definitions {
    files_by_name: HashMap<String, Vec<String>>,
}

impl Definitions {
    fn add_file(&mut self, file_name: &str, file: &FileDescriptorProto) {
        let package = file.package.as_deref().unwrap_or_default();
        let mut names = Vec::new();
        for message in &file.message_type {
            message_names(package, message, &mut names);
        }
        for e in &file.enum_type {
            names.push(join(package, e.name()));
        }
        for extension in &file.extension {
            names.push(join(package, extension.name()));
        }
        for service in &file.service {
            names.push(join(package, service.name()));
        }
        for name in names {
            self.files_by_name
                .entry(name)
                .or_default()
                .push(file_name.to_owned());
        }
    }

    fn files_defining(&self, full_name: &str) -> &[String] {
        self.files_by_name
            .get(full_name)
            .map(Vec::as_slice)
            .unwrap_or_default()
    }
}

fn message_names(scope: &str, message: &DescriptorProto, names: &mut Vec<String>) {
    let full = join(scope, message.name());
    for nested in &message.nested_type {
        message_names(&full, nested, names);
    }
    for e in &message.enum_type {
        names.push(join(&full, e.name()));
    }
    for extension in &message.extension {
        names.push(join(&full, extension.name()));
    }
    names.push(full);
}

fn join(scope: &str, name: &str) -> String {
    if scope.is_empty() {
        name.to_owned()
    } else {
        format!("{scope}.{name}")
    }
}

/// What the built-in files define, read once: they never change.
fn builtin_definitions() -> &'static Definitions {
    static DEFINITIONS: OnceLock<Definitions> = OnceLock::new();
    DEFINITIONS.get_or_init(|| {
        let mut definitions = Definitions::default();
        for (name, source) in builtin::FILES {
            if let Ok(file) = File::from_source(name, source) {
                definitions.add_file(name, file.file_descriptor_proto());
            }
        }
        let google = GoogleFileResolver::new();
        for name in builtin::WELL_KNOWN {
            if let Ok(file) = google.open_file(name) {
                definitions.add_file(name, file.file_descriptor_proto());
            }
        }
        definitions
    })
}

/// A name a file uses: a type, an extendee or a custom option's extension.
struct Use<'a> {
    /// The full name of the innermost enclosing element (message, service or package),
    /// shared by every use in it.
    scope: Rc<str>,
    name: &'a str,
    /// Types must resolve; an unknown option is left to the compiler to report.
    is_type: bool,
}

fn collect_uses(file: &FileDescriptorProto) -> Vec<Use<'_>> {
    let package: Rc<str> = file.package.as_deref().unwrap_or_default().into();
    let mut uses = Vec::new();
    if let Some(options) = &file.options {
        option_uses(&package, &options.uninterpreted_option, &mut uses);
    }
    for message in &file.message_type {
        message_uses(&package, message, &mut uses);
    }
    for e in &file.enum_type {
        enum_uses(&package, e, &mut uses);
    }
    for extension in &file.extension {
        field_uses(&package, extension, &mut uses);
    }
    for service in &file.service {
        let scope: Rc<str> = join(&package, service.name()).into();
        if let Some(options) = &service.options {
            option_uses(&scope, &options.uninterpreted_option, &mut uses);
        }
        for method in &service.method {
            for name in [&method.input_type, &method.output_type]
                .into_iter()
                .flatten()
            {
                uses.push(Use {
                    scope: scope.clone(),
                    name,
                    is_type: true,
                });
            }
            if let Some(options) = &method.options {
                option_uses(&scope, &options.uninterpreted_option, &mut uses);
            }
        }
    }
    uses
}

fn message_uses<'a>(scope: &Rc<str>, message: &'a DescriptorProto, uses: &mut Vec<Use<'a>>) {
    let full: Rc<str> = join(scope, message.name()).into();
    if let Some(options) = &message.options {
        option_uses(&full, &options.uninterpreted_option, uses);
    }
    for field in message.field.iter().chain(&message.extension) {
        field_uses(&full, field, uses);
    }
    for oneof in &message.oneof_decl {
        if let Some(options) = &oneof.options {
            option_uses(&full, &options.uninterpreted_option, uses);
        }
    }
    for e in &message.enum_type {
        enum_uses(&full, e, uses);
    }
    for nested in &message.nested_type {
        message_uses(&full, nested, uses);
    }
}

/// An enum uses names only in its options and its values' options.
fn enum_uses<'a>(scope: &Rc<str>, e: &'a EnumDescriptorProto, uses: &mut Vec<Use<'a>>) {
    if let Some(options) = &e.options {
        option_uses(scope, &options.uninterpreted_option, uses);
    }
    for value in &e.value {
        if let Some(options) = &value.options {
            option_uses(scope, &options.uninterpreted_option, uses);
        }
    }
}

fn field_uses<'a>(scope: &Rc<str>, field: &'a FieldDescriptorProto, uses: &mut Vec<Use<'a>>) {
    for name in [&field.type_name, &field.extendee].into_iter().flatten() {
        uses.push(Use {
            scope: Rc::clone(scope),
            name,
            is_type: true,
        });
    }
    if let Some(options) = &field.options {
        option_uses(scope, &options.uninterpreted_option, uses);
    }
}

/// The extension in `(confluent.field_meta).doc` is `confluent.field_meta`.
fn option_uses<'a>(scope: &Rc<str>, options: &'a [UninterpretedOption], uses: &mut Vec<Use<'a>>) {
    for option in options {
        for part in option.name.iter().filter(|p| p.is_extension) {
            uses.push(Use {
                scope: Rc::clone(scope),
                name: &part.name_part,
                is_type: false,
            });
        }
    }
}

/// The full names `name` may mean from `scope`, innermost first (protobuf's scoping),
/// made one at a time: the search usually stops at the first.
fn candidate_names<'a>(scope: &'a str, name: &'a str) -> impl Iterator<Item = String> + 'a {
    let absolute = name.strip_prefix('.');
    let relative = absolute.is_none().then(|| {
        std::iter::successors(Some(scope), |s| {
            (!s.is_empty()).then(|| s.rsplit_once('.').map_or("", |(parent, _)| parent))
        })
        .map(move |s| join(s, name))
    });
    absolute
        .map(str::to_owned)
        .into_iter()
        .chain(relative.into_iter().flatten())
}

/// A type a file uses that no file defines: the compiler would refuse it however the
/// imports were written.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Unresolved {
    pub file: String,
    pub name: String,
}

/// Amends each file's imports (see the module comment); the files come dependencies
/// first and the main file last. A file may only gain imports of the files before it and
/// of the built-ins, so no import cycle can appear.
pub(super) fn amend(
    files: Vec<(String, FileDescriptorProto)>,
) -> Result<Vec<(String, FileDescriptorProto)>, Unresolved> {
    let openable: HashSet<String> = files.iter().map(|(name, _)| name.clone()).collect();
    let builtins = builtin_definitions();
    let mut earlier = Definitions::default();
    let mut amended = Vec::with_capacity(files.len());
    for (name, mut file) in files {
        drop_unopenable_imports(&mut file, &openable);
        let mut own = Definitions::default();
        own.add_file(&name, &file);
        let mut imports: HashSet<String> = file.dependency.iter().cloned().collect();
        let mut added = Vec::new();
        for used in collect_uses(&file) {
            let found = candidate_names(&used.scope, used.name).find_map(|full| {
                if !own.files_defining(&full).is_empty() {
                    return Some(None);
                }
                let defining: Vec<&String> = earlier
                    .files_defining(&full)
                    .iter()
                    .chain(
                        // A dependency under a built-in's path replaces the built-in.
                        builtins
                            .files_defining(&full)
                            .iter()
                            .filter(|f| !openable.contains(*f)),
                    )
                    .collect();
                if defining.iter().any(|f| imports.contains(*f)) {
                    return Some(None);
                }
                defining.first().map(|f| Some((*f).clone()))
            });
            match found {
                Some(Some(import)) => {
                    imports.insert(import.clone());
                    added.push(import);
                }
                Some(None) => {}
                None if used.is_type => {
                    return Err(Unresolved {
                        file: name,
                        name: used.name.trim_start_matches('.').to_owned(),
                    });
                }
                // An unknown option is the compiler's to report, in its words.
                None => {}
            }
        }
        file.dependency.extend(added);
        earlier.add_file(&name, &file);
        amended.push((name, file));
    }
    Ok(amended)
}

/// Drops imports that open neither one of `openable` nor a built-in, keeping the public
/// and weak import indexes pointing at the same files.
fn drop_unopenable_imports(file: &mut FileDescriptorProto, openable: &HashSet<String>) {
    let keep: Vec<bool> = file
        .dependency
        .iter()
        .map(|d| openable.contains(d) || builtin::exists(d))
        .collect();
    if keep.iter().all(|k| *k) {
        return;
    }
    // The index each kept import moves to (descriptor indexes are `i32`).
    let mut new_index: Vec<Option<i32>> = Vec::with_capacity(keep.len());
    let mut next: i32 = 0;
    for k in &keep {
        new_index.push(k.then_some(next));
        if *k {
            next += 1;
        }
    }
    let reindex = |indexes: &mut Vec<i32>| {
        *indexes = indexes
            .iter()
            .filter_map(|&i| {
                let old = usize::try_from(i).ok()?;
                *new_index.get(old)?
            })
            .collect();
    };
    reindex(&mut file.public_dependency);
    reindex(&mut file.weak_dependency);
    let mut keep = keep.into_iter();
    file.dependency.retain(|_| keep.next().unwrap_or(true));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(name: &str, text: &str) -> (String, FileDescriptorProto) {
        let file = File::from_source(name, text).expect("parses");
        (name.to_owned(), file.file_descriptor_proto().clone())
    }

    #[test]
    fn names_are_searched_from_the_innermost_scope_out() {
        assert_eq!(
            candidate_names("a.b.M", "X.Y").collect::<Vec<_>>(),
            ["a.b.M.X.Y", "a.b.X.Y", "a.X.Y", "X.Y"]
        );
        assert_eq!(candidate_names("a.M", ".z.X").collect::<Vec<_>>(), ["z.X"]);
        assert_eq!(candidate_names("", "X").collect::<Vec<_>>(), ["X"]);
    }

    #[test]
    fn missing_imports_are_added_and_stray_ones_dropped() {
        let outer = parsed(
            "outer.proto",
            "syntax = \"proto3\"; package p; message Outer { message Inner {} }",
        );
        let main = parsed(
            "main.proto",
            "syntax = \"proto3\"; package q; import \"stray.proto\"; import public \"google/protobuf/empty.proto\";\n\
             message M { p.Outer.Inner a = 1; google.type.Money b = 2; google.protobuf.Empty c = 3; }",
        );
        let amended = amend(vec![outer, main]).expect("every name resolves");
        let (_, main) = &amended[1];
        assert_eq!(
            main.dependency,
            [
                "google/protobuf/empty.proto",
                "outer.proto",
                "google/type/money.proto"
            ]
        );
        assert_eq!(main.public_dependency, [0]);
    }

    #[test]
    fn a_name_defined_nowhere_is_reported() {
        let main = parsed(
            "main.proto",
            "syntax = \"proto3\"; message M { nowhere.X a = 1; M self = 2; }",
        );
        assert_eq!(
            amend(vec![main]).err(),
            Some(Unresolved {
                file: "main.proto".to_owned(),
                name: "nowhere.X".to_owned()
            })
        );
    }

    #[test]
    fn a_file_only_gains_imports_of_files_before_it() {
        let first = parsed(
            "a.proto",
            "syntax = \"proto3\"; package p; message A { B b = 1; }",
        );
        let second = parsed("b.proto", "syntax = \"proto3\"; package p; message B {}");
        assert_eq!(
            amend(vec![first, second]).err(),
            Some(Unresolved {
                file: "a.proto".to_owned(),
                name: "B".to_owned()
            })
        );
    }
}
