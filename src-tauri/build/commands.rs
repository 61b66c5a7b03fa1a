//! Reads the `#[tauri::command]` functions of `src/lib.rs` (with `syn`) and writes the
//! typed TypeScript wrapper of each.

use std::collections::BTreeSet;
use std::fmt::Write as _;

/// One command as declared in Rust.
pub struct Command {
    /// Its name (the function's).
    pub name: String,
    /// What it does (the function's doc comment).
    doc: Vec<String>,
    /// Its parameters the window sends (name, TypeScript type); the shell's own state,
    /// app handle and window are left out.
    params: Vec<(String, String)>,
    /// What it answers, in TypeScript.
    result: String,
}

/// Parameters Tauri fills in itself.
const INJECTED: &[&str] = &["State", "AppHandle", "Window", "WebviewWindow", "Webview"];

/// The commands of `source`, in the order they are declared, and the names their
/// TypeScript types need: the ts-rs bindings, and `Channel` when a command streams.
pub fn parse(source: &str) -> Result<(Vec<Command>, BTreeSet<String>), String> {
    let file = syn::parse_file(source).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    let mut imports = BTreeSet::new();
    for item in &file.items {
        let syn::Item::Fn(f) = item else { continue };
        let is_command = f.attrs.iter().any(|a| {
            let p = a.path();
            p.segments.len() == 2
                && p.segments[0].ident == "tauri"
                && p.segments[1].ident == "command"
        });
        if !is_command {
            continue;
        }
        let name = f.sig.ident.to_string();
        let doc = f
            .attrs
            .iter()
            .filter_map(|a| match &a.meta {
                syn::Meta::NameValue(nv) if nv.path.is_ident("doc") => match &nv.value {
                    syn::Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Str(s),
                        ..
                    }) => Some(s.value().trim().to_string()),
                    _ => None,
                },
                _ => None,
            })
            .collect();
        let mut params = Vec::new();
        for input in &f.sig.inputs {
            let syn::FnArg::Typed(pt) = input else {
                continue;
            };
            if last_ident(&pt.ty).is_some_and(|i| INJECTED.contains(&i.as_str())) {
                continue;
            }
            let syn::Pat::Ident(pi) = &*pt.pat else {
                return Err(format!("{name}: a parameter that is not a plain name"));
            };
            let ty = ts_type(&pt.ty, &mut imports).map_err(|e| format!("{name}: {e}"))?;
            params.push((camel(pi.ident.to_string().trim_start_matches('_')), ty));
        }
        let result = match &f.sig.output {
            syn::ReturnType::Default => "void".to_string(),
            syn::ReturnType::Type(_, ty) => {
                ts_type(ty, &mut imports).map_err(|e| format!("{name}: {e}"))?
            }
        };
        out.push(Command {
            name,
            doc,
            params,
            result,
        });
    }
    if out.is_empty() {
        return Err("no #[tauri::command] function found".into());
    }
    Ok((out, imports))
}

/// The type's last path segment (`State` of `tauri::State<'_, Shell>`).
fn last_ident(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        syn::Type::Reference(r) => last_ident(&r.elem),
        _ => None,
    }
}

/// The generic type arguments of a path segment.
fn args(seg: &syn::PathSegment) -> Vec<&syn::Type> {
    match &seg.arguments {
        syn::PathArguments::AngleBracketed(a) => a
            .args
            .iter()
            .filter_map(|g| match g {
                syn::GenericArgument::Type(t) => Some(t),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// A Rust type as TypeScript: primitives by name, `Option` as `| null`, `Vec` as an array,
/// the shell's `Res<T>` (a `Result` whose error crosses as `ApiError`) as `T`, and any other
/// named type as the ts-rs binding of the same name.
fn ts_type(ty: &syn::Type, imports: &mut BTreeSet<String>) -> Result<String, String> {
    match ty {
        syn::Type::Reference(r) => ts_type(&r.elem, imports),
        syn::Type::Tuple(t) if t.elems.is_empty() => Ok("void".into()),
        syn::Type::Tuple(t) => Ok(format!(
            "[{}]",
            t.elems
                .iter()
                .map(|e| ts_type(e, imports))
                .collect::<Result<Vec<_>, _>>()?
                .join(", ")
        )),
        syn::Type::Path(p) => {
            let seg = p.path.segments.last().ok_or("an empty type path")?;
            let a = args(seg);
            let ident = seg.ident.to_string();
            let one = |imports: &mut BTreeSet<String>| -> Result<String, String> {
                a.first()
                    .map(|t| ts_type(t, imports))
                    .unwrap_or_else(|| Err(format!("{ident} without a type argument")))
            };
            Ok(match ident.as_str() {
                "String" | "str" | "PathBuf" | "NaiveDate" => "string".into(),
                "i8" | "i16" | "i32" | "i64" | "u8" | "u16" | "u32" | "u64" | "usize" | "isize"
                | "f32" | "f64" => "number".into(),
                "bool" => "boolean".into(),
                "Value" => "unknown".into(),
                "Option" => {
                    let inner = one(imports)?;
                    format!("{inner} | null")
                }
                "Vec" => {
                    let inner = one(imports)?;
                    if inner.contains(' ') {
                        format!("({inner})[]")
                    } else {
                        format!("{inner}[]")
                    }
                }
                "Res" | "Result" => one(imports)?,
                "Channel" => {
                    let inner = one(imports)?;
                    imports.insert(ident.clone());
                    format!("Channel<{inner}>")
                }
                "HashMap" | "BTreeMap" => {
                    let value = a.get(1).ok_or("a map without a value type")?;
                    format!("Record<string, {}>", ts_type(value, imports)?)
                }
                _ => {
                    if !a.is_empty() {
                        return Err(format!("{ident}<...> has no TypeScript form here"));
                    }
                    imports.insert(ident.clone());
                    ident
                }
            })
        }
        other => Err(format!(
            "the type {} has no TypeScript form here",
            quote_type(other)
        )),
    }
}

fn quote_type(ty: &syn::Type) -> String {
    match ty {
        syn::Type::Array(_) => "[T; N]".into(),
        syn::Type::Slice(_) => "[T]".into(),
        _ => "(this kind of type)".into(),
    }
}

/// `debtor_id` -> `debtorId` (how Tauri names a command's arguments in JavaScript).
fn camel(snake: &str) -> String {
    let mut out = String::new();
    let mut up = false;
    for c in snake.chars() {
        if c == '_' {
            up = true;
        } else if up {
            out.extend(c.to_uppercase());
            up = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// Writes the wrapper, only when it changed (so the build does not rerun for nothing).
pub fn write_typescript(commands: &[Command], imports: &BTreeSet<String>, path: &std::path::Path) {
    let uses_channel = imports.contains("Channel");
    let mut ts = String::from(
        "// Generated by src-tauri/build.rs from the #[tauri::command] functions of\n\
         // src-tauri/src/lib.rs: do not edit. One typed function per command; a Rust\n\
         // signature the window's code does not follow fails svelte-check.\n",
    );
    let core = if uses_channel {
        "Channel, invoke"
    } else {
        "invoke"
    };
    let _ = writeln!(ts, "import {{ {core} }} from \"@tauri-apps/api/core\";");
    for i in imports.iter().filter(|i| *i != "Channel") {
        let _ = writeln!(ts, "import type {{ {i} }} from \"../bindings/{i}\";");
    }
    ts.push_str(
        "import { toApiError } from \"./backend\";\n\n\
         async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {\n\
         \x20 try {\n\
         \x20   return await invoke<T>(command, args);\n\
         \x20 } catch (e) {\n\
         \x20   throw toApiError(e);\n\
         \x20 }\n\
         }\n",
    );
    for c in commands {
        ts.push('\n');
        if !c.doc.is_empty() {
            let _ = writeln!(ts, "/** {} */", c.doc.join(" ").replace("*/", "* /"));
        }
        let params: Vec<String> = c.params.iter().map(|(n, t)| format!("{n}: {t}")).collect();
        let names: Vec<&str> = c.params.iter().map(|(n, _)| n.as_str()).collect();
        let args = if names.is_empty() {
            String::new()
        } else {
            format!(", {{ {} }}", names.join(", "))
        };
        let _ = writeln!(
            ts,
            "export function {}({}): Promise<{}> {{\n  return call(\"{}\"{args});\n}}",
            camel(&c.name),
            params.join(", "),
            c.result,
            c.name
        );
    }
    if std::fs::read_to_string(path).ok().as_deref() != Some(ts.as_str()) {
        std::fs::write(path, ts).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
    }
}
