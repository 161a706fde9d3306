//! One self-contained `.proto` for readers that cannot load imports (the official AsyncAPI
//! protobuf schema parser loads nothing but a few `google/*` files): the main file, plus a
//! copy of every message and enum it uses, directly or through other types, from files
//! the reader cannot load.
//!
//! - A copy is the *top-level* type of its file that holds the used type (nested types
//!   travel with their parent), placed in the main file's package under its own name.
//!   When that name is taken there (or, for an enum, one of its value names: in protobuf
//!   enum values are siblings of their enum), the copy goes inside a message named after
//!   its source package in CamelCase (`shop.common.v1` -> `ShopCommonV1`), which only
//!   holds copies. So only the full names of copied types change; field names, numbers,
//!   labels, scalar types and the shape of every type stay as compiled (but see the
//!   syntax note below).
//! - Every type reference is written as the shortest name that resolves to its type both
//!   under protoc's scoping rules and under protobuf.js's (which also searches nested
//!   scopes and sees fields): a name whose first part names exactly one thing in the file
//!   and its imports, from a scope around the reference; otherwise fully qualified. The
//!   main file's first message is always referenced fully qualified (`.pkg.Name`), so a
//!   reader that picks the root message among the unreferenced ones still sees it.
//! - Imports the reader can load stay (and are added when a copy needs one); the others
//!   go. Options that are extensions (`(confluent.field_meta)`, custom options) go, and so
//!   do extension fields of `google/protobuf/*` types the reader cannot load (custom option
//!   declarations): nothing left can resolve them. Confluent's `doc` and `tags` of
//!   `(confluent.field_meta)` and `(confluent.message_meta)` become `//` comments.
//! - A copy from a file of the other syntax (proto2 into proto3 or back) says what its
//!   wire format is where the defaults differ: repeated scalars get an explicit `packed`,
//!   proto2 `optional` becomes proto3 `optional` (presence); what proto3 cannot say
//!   (`required`, `[default = ...]`) becomes a comment, extension ranges go; proto3
//!   fields without presence read as proto2 `optional` (the same wire format). (A proto2
//!   enum whose first value is not 0, or a group, stays as it is: protoc would refuse
//!   that copy in a proto3 file; protobuf.js takes it.)
//! - Copied messages say where they come from (`// Copy of shop.common.v1.Money
//!   (shop/common/v1/money.proto).`), holders what they are.
//! - The text is printed from the compiled descriptors (Confluent's layout, known options
//!   such as `packed`, `deprecated` and `allow_alias` kept).

use std::collections::{HashMap, HashSet, VecDeque};

use prost_reflect::prost_types::{
    DescriptorProto, EnumDescriptorProto, FieldDescriptorProto, FileDescriptorProto,
};
use prost_reflect::{
    DescriptorPool, DynamicMessage, FileDescriptor, ReflectMessage, Syntax, Value,
};

use super::ProtobufSchema;
use super::print::{Comments, Printer};
use rewrite::{adapt_message, restore_enum_options, restore_field_options, restore_known_options};

mod rewrite;

impl ProtobufSchema {
    /// Whether the main file imports something `loadable` refuses.
    pub fn imports_beyond(&self, loadable: impl Fn(&str) -> bool) -> bool {
        self.file().dependencies().any(|d| !loadable(d.name()))
    }

    /// Whether the main file was compiled with imports other than those written
    /// (Confluent's leniency, [`lenient`](super::lenient)).
    pub fn imports_amended(&self) -> bool {
        self.file.file_descriptor_proto().dependency != self.source.dependency
    }

    /// The main file as one `.proto` that imports only files `loadable` accepts (see the
    /// module documentation of `flatten.rs`). `loadable` should accept `google/protobuf/*`
    /// files only if the reader has them.
    pub fn self_contained_text(&self, loadable: impl Fn(&str) -> bool) -> String {
        let mut flattener = Flattener::new(self.pool(), self.file(), &loadable);
        // A compiled proto2 file has no syntax; say it when the text did.
        flattener.syntax = self.source.syntax.clone();
        flattener.run()
    }
}

/// Where a referenced type is declared.
enum Place {
    Main,
    Loadable(String),
    /// In another file: the full name of its top-level type.
    Copied(String),
    Unknown,
}

struct Flattener<'a> {
    pool: &'a DescriptorPool,
    main: FileDescriptor,
    loadable: &'a dyn Fn(&str) -> bool,
    package: String,
    /// Loadable files the output imports, in order.
    imports: Vec<String>,
    /// Top-level types of other files to copy, in the order found.
    copies: Vec<String>,
    /// Old full name -> new full name of every copied type (nested ones too).
    renamed: HashMap<String, String>,
    /// Copies that could not keep their name go into these messages: full name -> the
    /// package they come from.
    holders: HashMap<String, String>,
    /// New full name -> old full name and file of each copied top-level message.
    origins: HashMap<String, (String, String)>,
    /// How many things of the output and its imports have each simple name.
    names: HashMap<String, usize>,
    /// The main file's first message.
    root_message: Option<String>,
    /// The `syntax` the main file declared.
    syntax: Option<String>,
    /// What a field copied from a file of the other syntax lost, by message and number.
    notes: HashMap<(String, i32), Vec<String>>,
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_owned()
    } else {
        format!("{prefix}.{name}")
    }
}

fn type_name(f: &FieldDescriptorProto) -> Option<&str> {
    f.type_name
        .as_deref()
        .filter(|n| !n.is_empty())
        .map(|n| n.trim_start_matches('.'))
}

/// `shop.common.v1` -> `ShopCommonV1`, `a_b.c` -> `ABC`.
fn camel(package: &str) -> String {
    let mut out = String::new();
    for part in package.split(['.', '_']) {
        let mut chars = part.chars();
        if let Some(first) = chars.next() {
            out.extend(first.to_uppercase());
            out.push_str(chars.as_str());
        }
    }
    if out.is_empty() {
        "Imported".to_owned()
    } else {
        out
    }
}

/// Records `old -> new` for a copied message and everything nested in it.
fn rename_message(
    renamed: &mut HashMap<String, String>,
    old: &str,
    new: &str,
    m: &DescriptorProto,
) {
    renamed.insert(old.to_owned(), new.to_owned());
    for n in &m.nested_type {
        rename_message(renamed, &join(old, n.name()), &join(new, n.name()), n);
    }
    for e in &m.enum_type {
        renamed.insert(join(old, e.name()), join(new, e.name()));
    }
}

fn count(names: &mut HashMap<String, usize>, name: &str) {
    *names.entry(name.to_owned()).or_default() += 1;
}

/// Counts the names a lookup may meet inside a message: nested types, fields, oneofs,
/// extensions (protobuf.js looks fields and oneofs up like types).
fn count_message(names: &mut HashMap<String, usize>, m: &DescriptorProto) {
    count(names, m.name());
    for f in m.field.iter().chain(m.extension.iter()) {
        count(names, f.name());
    }
    for o in &m.oneof_decl {
        count(names, o.name());
    }
    for n in &m.nested_type {
        count_message(names, n);
    }
    for e in &m.enum_type {
        count_enum(names, e);
    }
}

fn count_enum(names: &mut HashMap<String, usize>, e: &EnumDescriptorProto) {
    count(names, e.name());
    for v in &e.value {
        count(names, v.name());
    }
}

fn count_file(names: &mut HashMap<String, usize>, file: &FileDescriptorProto) {
    for m in &file.message_type {
        count_message(names, m);
    }
    for e in &file.enum_type {
        count_enum(names, e);
    }
    for f in &file.extension {
        count(names, f.name());
    }
    for s in &file.service {
        count(names, s.name());
        for m in &s.method {
            count(names, m.name());
        }
    }
}

/// `doc` and `tags` of a Confluent `Meta` option (`extension`) as comment text.
fn meta_comment(
    pool: &DescriptorPool,
    options: &DynamicMessage,
    extension: &str,
) -> Option<String> {
    let extension = pool.get_extension_by_name(extension)?;
    if extension.containing_message().full_name() != options.descriptor().full_name()
        || !options.has_extension(&extension)
    {
        return None;
    }
    let Value::Message(meta) = options.get_extension(&extension).into_owned() else {
        return None;
    };
    let mut lines = Vec::new();
    if let Some(Value::String(doc)) = meta.get_field_by_name("doc").as_deref()
        && !doc.trim().is_empty()
    {
        lines.push(doc.trim().to_owned());
    }
    if let Some(Value::List(items)) = meta.get_field_by_name("tags").as_deref() {
        let tags: Vec<&str> = items
            .iter()
            .filter_map(|item| match item {
                Value::String(tag) if !tag.is_empty() => Some(tag.as_str()),
                _ => None,
            })
            .collect();
        if !tags.is_empty() {
            lines.push(format!("tags: {}", tags.join(", ")));
        }
    }
    (!lines.is_empty()).then(|| lines.join("\n"))
}

impl<'a> Flattener<'a> {
    fn new(
        pool: &'a DescriptorPool,
        main: FileDescriptor,
        loadable: &'a dyn Fn(&str) -> bool,
    ) -> Self {
        let package = main.package_name().to_owned();
        let root_message = main.messages().next().map(|m| m.full_name().to_owned());
        Self {
            pool,
            main,
            loadable,
            package,
            imports: Vec::new(),
            copies: Vec::new(),
            renamed: HashMap::new(),
            holders: HashMap::new(),
            origins: HashMap::new(),
            names: HashMap::new(),
            root_message,
            notes: HashMap::new(),
            syntax: None,
        }
    }

    fn place(&self, name: &str) -> Place {
        let (file, top) = if let Some(m) = self.pool.get_message_by_name(name) {
            let mut top = m.clone();
            while let Some(parent) = top.parent_message() {
                top = parent;
            }
            (m.parent_file(), top.full_name().to_owned())
        } else if let Some(e) = self.pool.get_enum_by_name(name) {
            let top = match e.parent_message() {
                Some(mut top) => {
                    while let Some(parent) = top.parent_message() {
                        top = parent;
                    }
                    top.full_name().to_owned()
                }
                None => e.full_name().to_owned(),
            };
            (e.parent_file(), top)
        } else {
            return Place::Unknown;
        };
        if file.name() == self.main.name() {
            Place::Main
        } else if (self.loadable)(file.name()) {
            Place::Loadable(file.name().to_owned())
        } else {
            Place::Copied(top)
        }
    }

    /// Extension fields stay unless they extend a `google/protobuf/*` type the reader
    /// cannot load (`descriptor.proto`: custom option declarations).
    fn keeps_extension(&self, f: &FieldDescriptorProto) -> bool {
        let extendee = f.extendee().trim_start_matches('.');
        match self.pool.get_message_by_name(extendee) {
            Some(m) => {
                let file = m.parent_file();
                !file.name().starts_with("google/protobuf/") || (self.loadable)(file.name())
            }
            None => false,
        }
    }

    fn message_refs(&self, m: &DescriptorProto, out: &mut Vec<String>) {
        for f in &m.field {
            out.extend(type_name(f).map(str::to_owned));
        }
        for f in m.extension.iter().filter(|f| self.keeps_extension(f)) {
            out.extend(type_name(f).map(str::to_owned));
            out.push(f.extendee().trim_start_matches('.').to_owned());
        }
        for n in &m.nested_type {
            self.message_refs(n, out);
        }
    }

    /// The types the main file uses, then (transitively) those its copies use.
    fn collect(&mut self) {
        let main = self.main.file_descriptor_proto();
        for dependency in self.main.dependencies() {
            if (self.loadable)(dependency.name()) {
                self.imports.push(dependency.name().to_owned());
            }
        }
        let mut refs = Vec::new();
        for m in &main.message_type {
            self.message_refs(m, &mut refs);
        }
        for f in main.extension.iter().filter(|f| self.keeps_extension(f)) {
            refs.extend(type_name(f).map(str::to_owned));
            refs.push(f.extendee().trim_start_matches('.').to_owned());
        }
        for s in &main.service {
            for m in &s.method {
                refs.push(m.input_type().trim_start_matches('.').to_owned());
                refs.push(m.output_type().trim_start_matches('.').to_owned());
            }
        }
        let mut queue: VecDeque<String> = refs.into();
        let mut seen = HashSet::new();
        while let Some(name) = queue.pop_front() {
            if !seen.insert(name.clone()) {
                continue;
            }
            match self.place(&name) {
                Place::Loadable(file) => {
                    if !self.imports.contains(&file) {
                        self.imports.push(file);
                    }
                }
                Place::Copied(top) => {
                    if !self.copies.contains(&top) {
                        let mut refs = Vec::new();
                        if let Some(m) = self.pool.get_message_by_name(&top) {
                            self.message_refs(m.descriptor_proto(), &mut refs);
                        }
                        self.copies.push(top);
                        queue.extend(refs);
                    }
                }
                Place::Main | Place::Unknown => {}
            }
        }
    }

    /// Names declared directly in the main file's package scope.
    fn names_at_package(&self, out: &FileDescriptorProto) -> HashSet<String> {
        let mut taken = HashSet::new();
        for m in &out.message_type {
            taken.insert(m.name().to_owned());
        }
        for e in &out.enum_type {
            taken.insert(e.name().to_owned());
            taken.extend(e.value.iter().map(|v| v.name().to_owned()));
        }
        taken.extend(out.extension.iter().map(|f| f.name().to_owned()));
        taken.extend(out.service.iter().map(|s| s.name().to_owned()));
        // Packages of the imports below this one.
        for import in &self.imports {
            if let Some(file) = self.pool.get_file_by_name(import) {
                let package = file.package_name();
                let below = if self.package.is_empty() {
                    Some(package)
                } else {
                    package
                        .strip_prefix(&self.package)
                        .and_then(|rest| rest.strip_prefix('.'))
                };
                if let Some(first) = below
                    .and_then(|b| b.split('.').next())
                    .filter(|s| !s.is_empty())
                {
                    taken.insert(first.to_owned());
                }
            }
        }
        taken
    }

    /// Adds the copies to `out`: under their own name when it is free in the package,
    /// else inside a holder message named after their package.
    fn place_copies(&mut self, out: &mut FileDescriptorProto) {
        let mut taken = self.names_at_package(out);
        // Source package -> index of its holder in `holders`.
        let mut holder_of: HashMap<String, usize> = HashMap::new();
        let mut holders: Vec<DescriptorProto> = Vec::new();
        let mut messages = Vec::new();
        let mut enums = Vec::new();
        let proto3 = self.main.syntax() == Syntax::Proto3;
        for top in self.copies.clone() {
            let (name, package, syntax, values) =
                if let Some(m) = self.pool.get_message_by_name(&top) {
                    let package = m.package_name().to_owned();
                    (
                        m.name().to_owned(),
                        package,
                        m.parent_file().syntax(),
                        Vec::new(),
                    )
                } else if let Some(e) = self.pool.get_enum_by_name(&top) {
                    let package = e.package_name().to_owned();
                    let values = e.values().map(|v| v.name().to_owned()).collect();
                    (
                        e.name().to_owned(),
                        package,
                        e.parent_file().syntax(),
                        values,
                    )
                } else {
                    continue;
                };
            let free = !taken.contains(&name) && values.iter().all(|v| !taken.contains(v));
            let holder = if free {
                taken.insert(name.clone());
                taken.extend(values);
                None
            } else {
                let index = *holder_of.entry(package.clone()).or_insert_with(|| {
                    let base = camel(&package);
                    let mut holder = base.clone();
                    let mut n = 1;
                    while taken.contains(&holder) {
                        n += 1;
                        holder = format!("{base}_{n}");
                    }
                    taken.insert(holder.clone());
                    holders.push(DescriptorProto {
                        name: Some(holder),
                        ..Default::default()
                    });
                    holders.len() - 1
                });
                let holder_name = join(&self.package, holders[index].name());
                self.holders.insert(holder_name, package.clone());
                Some(index)
            };
            let scope = match holder {
                Some(index) => join(&self.package, holders[index].name()),
                None => self.package.clone(),
            };
            let new = join(&scope, &name);
            if let Some(m) = self.pool.get_message_by_name(&top) {
                let origin = (top.clone(), m.parent_file().name().to_owned());
                self.origins.insert(new.clone(), origin);
                let mut proto = m.descriptor_proto().clone();
                proto.extension.retain(|f| self.keeps_extension(f));
                if (syntax == Syntax::Proto3) != proto3 {
                    adapt_message(&mut proto, &new, proto3, &mut self.notes);
                }
                rename_message(&mut self.renamed, &top, &new, &proto);
                match holder {
                    Some(index) => holders[index].nested_type.push(proto),
                    None => messages.push(proto),
                }
            } else if let Some(e) = self.pool.get_enum_by_name(&top) {
                self.renamed.insert(top.clone(), new);
                let proto = e.enum_descriptor_proto().clone();
                match holder {
                    Some(index) => holders[index].enum_type.push(proto),
                    None => enums.push(proto),
                }
            }
        }
        out.message_type.extend(messages);
        out.message_type.extend(holders);
        out.enum_type.extend(enums);
    }

    fn count_names(&mut self, out: &FileDescriptorProto) {
        let mut names = HashMap::new();
        count_file(&mut names, out);
        let mut packages: HashSet<String> = HashSet::new();
        let mut add_package = |package: &str| {
            let mut prefix = String::new();
            for part in package.split('.').filter(|p| !p.is_empty()) {
                prefix = join(&prefix, part);
                packages.insert(prefix.clone());
            }
        };
        add_package(&self.package);
        for import in &self.imports {
            if let Some(file) = self.pool.get_file_by_name(import) {
                add_package(file.package_name());
                count_file(&mut names, file.file_descriptor_proto());
            }
        }
        for package in &packages {
            count(&mut names, package.rsplit('.').next().unwrap_or(package));
        }
        self.names = names;
    }

    /// The shortest name of `target` (new full name) that resolves to it from `scope`.
    fn spell(&self, target: &str, scope: &str) -> String {
        if self.root_message.as_deref() == Some(target) {
            return format!(".{target}");
        }
        let parts: Vec<&str> = target.split('.').collect();
        // Names inside the main package are spelled from the package down (never
        // `v1.Money`); others in full.
        let package: Vec<&str> = self.package.split('.').filter(|p| !p.is_empty()).collect();
        let shared = parts
            .iter()
            .zip(&package)
            .take_while(|(a, b)| a == b)
            .count();
        let from = if shared == package.len() { shared } else { 0 };
        for k in (from..parts.len()).rev() {
            let prefix = parts[..k].join(".");
            let around = prefix.is_empty()
                || scope == prefix
                || scope
                    .strip_prefix(&prefix)
                    .is_some_and(|r| r.starts_with('.'));
            if around && self.names.get(parts[k]) == Some(&1) {
                return parts[k..].join(".");
            }
        }
        format!(".{target}")
    }

    /// The new full name of the type an old reference names.
    fn target(&self, old: &str) -> String {
        let old = old.trim_start_matches('.');
        self.renamed
            .get(old)
            .cloned()
            .unwrap_or_else(|| old.to_owned())
    }

    fn respell(&self, f: &mut FieldDescriptorProto, scope: &str) {
        if let Some(old) = type_name(f) {
            let spelled = self.spell(&self.target(old), scope);
            f.type_name = Some(spelled);
        }
        if let Some(extendee) = f.extendee.as_deref().filter(|e| !e.is_empty()) {
            let spelled = self.spell(&self.target(extendee), scope);
            f.extendee = Some(spelled);
        }
    }

    fn rewrite_message(&self, m: &mut DescriptorProto, full: &str) {
        m.extension.retain(|f| self.keeps_extension(f));
        for f in m.field.iter_mut().chain(m.extension.iter_mut()) {
            self.respell(f, full);
        }
        for n in &mut m.nested_type {
            let nested = join(full, n.name());
            self.rewrite_message(n, &nested);
        }
    }

    fn comments(&self, out: &FileDescriptorProto) -> Comments {
        let old_of: HashMap<&str, &str> = self
            .renamed
            .iter()
            .map(|(old, new)| (new.as_str(), old.as_str()))
            .collect();
        let mut comments = Comments::default();
        let mut stack: Vec<(String, &DescriptorProto)> = out
            .message_type
            .iter()
            .map(|m| (join(&self.package, m.name()), m))
            .collect();
        while let Some((full, m)) = stack.pop() {
            stack.extend(m.nested_type.iter().map(|n| (join(&full, n.name()), n)));
            if let Some(package) = self.holders.get(&full) {
                let source = if package.is_empty() {
                    "without a package".to_owned()
                } else {
                    format!("of package {package}")
                };
                let text = format!("Not a message of the schema: holds copies of types {source}.");
                comments.messages.insert(full.clone(), text);
                continue;
            }
            let old = old_of.get(full.as_str()).copied().unwrap_or(&full);
            let Some(message) = self.pool.get_message_by_name(old) else {
                continue;
            };
            let mut lines = Vec::new();
            if let Some((old, file)) = self.origins.get(&full) {
                lines.push(format!("Copy of {old} ({file})."));
            }
            lines.extend(meta_comment(
                self.pool,
                &message.options(),
                "confluent.message_meta",
            ));
            if !lines.is_empty() {
                comments.messages.insert(full.clone(), lines.join("\n"));
            }
            for field in message.fields() {
                if let Some(text) =
                    meta_comment(self.pool, &field.options(), "confluent.field_meta")
                {
                    let number = i32::try_from(field.number()).unwrap_or(0);
                    comments.fields.insert((full.clone(), number), text);
                }
            }
        }
        for (key, notes) in &self.notes {
            let text = comments.fields.entry(key.clone()).or_default();
            for note in notes {
                if !text.is_empty() {
                    text.push('\n');
                }
                text.push_str(note);
            }
        }
        comments
    }

    fn run(mut self) -> String {
        self.collect();
        let mut out = self.main.file_descriptor_proto().clone();
        if out.syntax.as_deref().is_none_or(str::is_empty) {
            out.syntax = self.syntax.clone();
        }
        out.source_code_info = None;
        out.dependency = self.imports.clone();
        out.public_dependency.clear();
        out.weak_dependency.clear();
        out.extension.retain(|f| self.keeps_extension(f));
        self.place_copies(&mut out);
        self.count_names(&out);

        let package = self.package.clone();
        let mut messages = std::mem::take(&mut out.message_type);
        for m in &mut messages {
            let full = join(&package, m.name());
            self.rewrite_message(m, &full);
            restore_known_options(m);
        }
        out.message_type = messages;
        let mut extensions = std::mem::take(&mut out.extension);
        for f in &mut extensions {
            self.respell(f, &package);
            restore_field_options(f);
        }
        out.extension = extensions;
        for e in &mut out.enum_type {
            restore_enum_options(e);
        }
        let mut services = std::mem::take(&mut out.service);
        for s in &mut services {
            let scope = join(&package, s.name());
            for m in &mut s.method {
                m.input_type = Some(self.spell(&self.target(m.input_type()), &scope));
                m.output_type = Some(self.spell(&self.target(m.output_type()), &scope));
            }
        }
        out.service = services;

        let comments = self.comments(&out);
        Printer {
            normalize: false,
            pool: self.pool,
            file: &out,
            from_descriptor: true,
            comments: Some(&comments),
        }
        .print()
    }
}
