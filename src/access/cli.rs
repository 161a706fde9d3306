//! What `herald auth ...` prints: password hashes, new API tokens, and a checked access
//! file's summary. Returns text (or the error to print), so the CLI stays a shell.

use std::io::BufRead;
use std::path::Path;

use super::config;
use super::secrets::{TokenDigest, hash_password as hash, mint_token};

/// Reads one line (the password) and answers its argon2id hash.
pub fn hash_password(input: &mut impl BufRead) -> Result<String, String> {
    let mut line = String::new();
    input
        .read_line(&mut line)
        .map_err(|e| format!("cannot read the password: {e}"))?;
    let password = line.trim_end_matches(['\n', '\r']);
    if password.is_empty() {
        return Err("no password on standard input (type it, or pipe it, then a newline)".into());
    }
    Ok(format!("{}\n", hash(password)?))
}

/// A new token and the access-file entry that stands for it.
pub fn token(name: &str, expires: Option<&str>, groups: &[String]) -> Result<String, String> {
    if name.trim().is_empty() {
        return Err("--name must name the principal".into());
    }
    if let Some(expires) = expires
        && config::parse_instant(expires).is_none()
    {
        return Err(format!(
            "--expires `{expires}` is not YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ"
        ));
    }
    let token = mint_token()?;
    let digest = TokenDigest::of(&token).to_text();
    let mut entry = format!("  - name: {}\n    hash: \"{digest}\"\n", yaml_text(name));
    if let Some(expires) = expires {
        entry.push_str(&format!("    expires: \"{expires}\"\n"));
    }
    if !groups.is_empty() {
        let list: Vec<String> = groups.iter().map(|g| yaml_text(g)).collect();
        entry.push_str(&format!("    groups: [{}]\n", list.join(", ")));
    }
    Ok(format!(
        "# The token, shown this once: give it to the client (Authorization: Bearer ...).\n\
         {token}\n\
         # Add this under `tokens:` in the access file; it holds only the token's hash.\n\
         {entry}"
    ))
}

/// Checks an access file; answers what it sets up.
pub fn check(path: &Path) -> Result<String, String> {
    let policy = config::read(path).map_err(|e| e.to_string())?;
    Ok(format!("{}: {}\n", path.display(), policy.summary()))
}

/// A YAML scalar for a name: quoted, with quotes and backslashes escaped.
fn yaml_text(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_minted_token_entry_reads_back_and_matches_its_token() {
        let printed = token("ci", Some("2030-01-01"), &["builders".into()]).expect("test value");
        let minted = printed
            .lines()
            .find(|l| l.starts_with(super::super::secrets::TOKEN_PREFIX))
            .expect("test value");
        let entry: String = printed
            .lines()
            .skip_while(|l| !l.starts_with("  - name"))
            .map(|l| format!("{l}\n"))
            .collect();
        let file =
            format!("tokens:\n{entry}grants:\n  - to: user:ci\n    role: read\n    on: \"*\"\n");
        let policy = config::parse(&file, "t.yaml", Path::new(".")).expect("test value");
        let record = &policy.tokens[0];
        assert_eq!(record.name, "ci");
        assert!(record.digest.matches(&TokenDigest::of(minted)));
        assert_eq!(record.groups, vec!["builders".to_string()]);
        assert!(token("ci", Some("soon"), &[]).is_err());
    }

    #[test]
    fn a_password_hash_is_printed_for_the_line_read() {
        let printed = hash_password(&mut "s3cret\n".as_bytes()).expect("test value");
        let hash = super::super::secrets::PasswordHash::parse(printed.trim()).expect("test value");
        assert!(hash.verify("s3cret"));
        assert!(hash_password(&mut "\n".as_bytes()).is_err());
    }
}
