//! One search over the catalog's entities, the registry's subjects and the fields of every
//! subject's latest version. Every word of the query must match somewhere in a hit; hits
//! are ranked by where they matched (name before title before tags before prose).

use serde::Serialize;
use utoipa::ToSchema;

use super::fields::{FieldUsers, IndexedField};
use super::model::Entity;
use super::{Catalog, CatalogError, Sight};
use crate::registry::DeletedFilter;

/// Most hits one search returns.
pub const MAX_HITS: usize = 500;

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SearchResults {
    pub query: String,
    /// Hits found in all, before `limit`.
    pub total: usize,
    pub hits: Vec<SearchHit>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct SearchHit {
    /// `domain`, `team`, `application`, `topic`, `event`, `subject` or `field`.
    pub kind: String,
    /// The entity or subject name; for fields, the field path.
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// For fields: the subject and version they belong to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<i32>,
    /// What matched, shortened.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snippet: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// For fields: the applications that read the subject.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub readers: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub writers: Vec<String>,
    pub score: u32,
}

impl Catalog {
    /// Searches what `sight` may read for `query`; at most `limit` hits, best first. Field
    /// hits name only the readers and writers it may read.
    pub async fn search(
        &self,
        query: &str,
        limit: usize,
        sight: &dyn Sight,
    ) -> Result<SearchResults, CatalogError> {
        let words = words_of(query);
        if words.is_empty() {
            return Ok(SearchResults {
                query: query.to_owned(),
                total: 0,
                hits: Vec::new(),
            });
        }
        let snapshot = self.snapshot_for(sight).await?;
        let mut hits: Vec<SearchHit> = snapshot
            .all()
            .iter()
            .filter_map(|entity| entity_hit(entity, &words))
            .collect();
        for subject in self.registry.subjects("", DeletedFilter::default()).await? {
            if !sight.sees_subject(&subject) {
                continue;
            }
            if let Some(score) = score_text(&words, &[(&subject, 50)]) {
                hits.push(SearchHit {
                    kind: "subject".into(),
                    name: subject,
                    score,
                    ..empty_hit()
                });
            }
        }
        let mut users = FieldUsers::new(&snapshot);
        for field in self.field_index_for(sight).await?.iter() {
            if let Some(score) = field_score(field, &words) {
                let used = users.usage(field.clone());
                hits.push(SearchHit {
                    kind: "field".into(),
                    name: field.path.clone(),
                    title: Some(field.type_name.clone()),
                    subject: Some(field.subject.clone()),
                    version: Some(field.version),
                    snippet: field.doc.as_deref().map(shorten),
                    tags: field.tags.clone(),
                    readers: used.readers,
                    writers: used.writers,
                    score,
                });
            }
        }
        hits.sort_by(|a, b| {
            b.score
                .cmp(&a.score)
                .then_with(|| a.kind.cmp(&b.kind))
                .then_with(|| a.name.cmp(&b.name))
                .then_with(|| a.subject.cmp(&b.subject))
        });
        let total = hits.len();
        hits.truncate(limit.min(MAX_HITS));
        Ok(SearchResults {
            query: query.to_owned(),
            total,
            hits,
        })
    }
}

fn empty_hit() -> SearchHit {
    SearchHit {
        kind: String::new(),
        name: String::new(),
        title: None,
        subject: None,
        version: None,
        snippet: None,
        tags: Vec::new(),
        readers: Vec::new(),
        writers: Vec::new(),
        score: 0,
    }
}

fn words_of(query: &str) -> Vec<String> {
    query
        .split_whitespace()
        .map(str::to_lowercase)
        .take(16)
        .collect()
}

fn entity_hit(entity: &Entity, words: &[String]) -> Option<SearchHit> {
    let tags = entity.tags().join(" ");
    let fields = [
        (entity.name().as_str(), 50),
        (entity.title().unwrap_or(""), 30),
        (tags.as_str(), 25),
        (entity.description().unwrap_or(""), 10),
    ];
    let score = score_text(words, &fields)?;
    Some(SearchHit {
        kind: entity.kind().as_str().into(),
        name: entity.name().to_string(),
        title: entity.title().map(str::to_owned),
        snippet: entity.description().map(shorten),
        tags: entity.tags().to_vec(),
        score,
        ..empty_hit()
    })
}

fn field_score(field: &IndexedField, words: &[String]) -> Option<u32> {
    let name = field.path.rsplit('.').next().unwrap_or(&field.path);
    let tags = field.tags.join(" ");
    score_text(
        words,
        &[
            (name, 45),
            (field.path.as_str(), 30),
            (tags.as_str(), 25),
            (field.doc.as_deref().unwrap_or(""), 8),
        ],
    )
}

/// The score of texts (each with its weight) against every word, or None when a word
/// matches nowhere. A whole-text match counts double, a prefix half again.
fn score_text(words: &[String], texts: &[(&str, u32)]) -> Option<u32> {
    let lowered: Vec<(String, u32)> = texts
        .iter()
        .map(|(text, weight)| (text.to_lowercase(), *weight))
        .collect();
    let mut total = 0;
    for word in words {
        let best = lowered
            .iter()
            .filter_map(|(text, weight)| {
                if text == word {
                    Some(weight * 2)
                } else if text.starts_with(word.as_str()) {
                    Some(weight * 3 / 2)
                } else if text.contains(word.as_str()) {
                    Some(*weight)
                } else {
                    None
                }
            })
            .max()?;
        total += best;
    }
    Some(total)
}

/// The first 160 characters of prose, on a character boundary.
fn shorten(text: &str) -> String {
    const MAX: usize = 160;
    let line = text.trim();
    match line.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &line[..cut]),
        None => line.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(q: &str) -> Vec<String> {
        words_of(q)
    }

    #[test]
    fn every_word_must_match() {
        let texts = [("order-service", 50), ("Takes orders", 10)];
        assert!(score_text(&words("order takes"), &texts).is_some());
        assert!(score_text(&words("order payments"), &texts).is_none());
    }

    #[test]
    fn names_outrank_prose_and_exact_outranks_partial() {
        let by_name = score_text(&words("email"), &[("email", 45), ("", 8)]);
        let by_doc = score_text(&words("email"), &[("contact", 45), ("the email", 8)]);
        assert!(by_name > by_doc, "{by_name:?} vs {by_doc:?}");
        let exact = score_text(&words("orders"), &[("orders", 50)]);
        let prefix = score_text(&words("orders"), &[("orders.events", 50)]);
        let inside = score_text(&words("orders"), &[("all-orders", 50)]);
        assert!(exact > prefix && prefix > inside);
    }

    #[test]
    fn search_is_case_insensitive() {
        assert!(score_text(&words("PII"), &[("pii gdpr", 25)]).is_some());
        assert!(score_text(&words("pii"), &[("PII", 25)]).is_some());
    }

    #[test]
    fn snippets_cut_on_character_boundaries() {
        let long = "é".repeat(300);
        let short = shorten(&long);
        assert_eq!(short.chars().count(), 161);
        assert!(short.ends_with('…'));
    }
}
