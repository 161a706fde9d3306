//! A signing key, its JWK set and a JWT, for benchmarks of OIDC bearer authentication
//! (bench/run.sh with BENCH_AUTH=1). Not a token service: it signs one token and exits.
//!
//!     cargo run --release --example mint_jwt -- JWKS_OUT ISSUER AUDIENCE SUBJECT [GROUP]
//!
//! Writes the JWK set to JWKS_OUT and prints the token (valid for an hour). The key is
//! Ed25519, made fresh by `openssl genpkey` and dropped after signing.

use std::process::Command;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [jwks_out, issuer, audience, subject, rest @ ..] = args.as_slice() else {
        anyhow::bail!("usage: mint_jwt JWKS_OUT ISSUER AUDIENCE SUBJECT [GROUP]");
    };
    let pem = Command::new("openssl")
        .args(["genpkey", "-algorithm", "ed25519"])
        .output()?
        .stdout;
    let mut public = Command::new("openssl")
        .args(["pkey", "-pubout", "-outform", "DER"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()?;
    if let Some(stdin) = public.stdin.as_mut() {
        std::io::Write::write_all(stdin, &pem)?;
    }
    let der = public.wait_with_output()?.stdout;
    // The last 32 bytes of an Ed25519 SubjectPublicKeyInfo are the key.
    let x = URL_SAFE_NO_PAD.encode(der.get(der.len().saturating_sub(32)..).unwrap_or_default());
    let jwks = serde_json::json!({"keys": [{"kty": "OKP", "crv": "Ed25519", "x": x, "kid": "bench", "alg": "EdDSA"}]});
    std::fs::write(jwks_out, jwks.to_string())?;
    let now = herald::access::unix_now();
    let claims = serde_json::json!({
        "iss": issuer, "aud": audience, "sub": subject,
        "groups": rest.first().map(|g| vec![g.clone()]).unwrap_or_default(),
        "iat": now, "exp": now + 3600,
    });
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::EdDSA);
    header.kid = Some("bench".into());
    let key = jsonwebtoken::EncodingKey::from_ed_pem(&pem)?;
    println!("{}", jsonwebtoken::encode(&header, &claims, &key)?);
    Ok(())
}
