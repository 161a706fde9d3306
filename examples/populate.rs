//! Fills a Herald database with many schema versions, for start-up and memory benchmarks.
//!
//!     cargo run --release --example populate -- DATABASE_URL VERSIONS [SUBJECTS]
//!
//! Writes through the storage layer directly (no HTTP), one transaction per version, the
//! same way registrations are stored.

use herald::schema::SchemaType;
use herald::schema::identity::{IdentityInput, identity_digest};
use herald::storage::{Committed, NewSchema, NewVersion, Store};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let url = args
        .next()
        .ok_or_else(|| anyhow::anyhow!("usage: populate DATABASE_URL VERSIONS [SUBJECTS]"))?;
    let versions: usize = args.next().unwrap_or_else(|| "100000".into()).parse()?;
    let subjects: usize = args.next().unwrap_or_else(|| "1000".into()).parse()?;
    let store = Store::connect(&url).await?;
    let per_subject = versions.div_ceil(subjects.max(1));
    let started = std::time::Instant::now();
    let mut written = 0;
    for subject_index in 0..subjects {
        let subject = format!("bench-{subject_index}-value");
        for version in 0..per_subject {
            if written == versions {
                break;
            }
            let text = format!(
                "{{\"type\":\"record\",\"name\":\"R{subject_index}\",\"namespace\":\"bench\",\"fields\":[{{\"name\":\"f{version}\",\"type\":\"int\"}},{{\"name\":\"note\",\"type\":\"string\"}}]}}"
            );
            let identity = identity_digest(IdentityInput {
                canonical_text: &text,
                references: &[],
                metadata: None,
                rule_set: None,
            });
            store
                .insert_version(NewVersion {
                    subject: &subject,
                    expected_max_version: (version > 0).then_some(i32::try_from(version)?),
                    schema: NewSchema {
                        schema_type: SchemaType::Avro,
                        identity,
                        canonical_text: text,
                        references: Vec::new(),
                        metadata: None,
                        rule_set: None,
                    },
                    explicit_id: None,
                    explicit_version: None,
                    actor: "populate",
                })
                .await
                .map(Committed::unannounced)?;
            written += 1;
        }
    }
    eprintln!(
        "populate: {written} versions in {subjects} subjects in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
