//! The catalog over both backends: the storage contract (revisions, batches, audit), and
//! the catalog use cases of several nodes racing on one PostgreSQL database.

mod pg_cluster;

use std::sync::{Arc, OnceLock};

use herald::catalog::model::{Entity, EntityKind, EntityName};
use herald::catalog::{Catalog, CatalogError};
use herald::registry::Registry;
use herald::storage::catalog::CatalogWrite;
use herald::storage::{Committed, Store, StoreError};
use serde_json::json;

use pg_cluster::PgCluster;

static CLUSTER: OnceLock<Option<PgCluster>> = OnceLock::new();

async fn pg_url() -> Option<String> {
    let cluster = tokio::task::spawn_blocking(|| CLUSTER.get_or_init(PgCluster::start).as_ref())
        .await
        .expect("cluster start")?;
    Some(cluster.create_database().await)
}

async fn sqlite_store() -> (Store, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = format!("sqlite://{}", dir.path().join("herald.db").display());
    (Store::connect(&url).await.expect("open SQLite"), dir)
}

fn put(kind: &str, name: &str, document: serde_json::Value) -> CatalogWrite {
    CatalogWrite::Put {
        kind: kind.into(),
        name: name.into(),
        document,
        action: format!("catalog.{kind}.created"),
    }
}

async fn contract(store: &Store) {
    let empty = store.catalog().await.expect("read");
    assert_eq!((empty.revision, empty.rows.len()), (0, 0));

    let batch = [
        put("team", "checkout", json!({"name": "checkout"})),
        put(
            "topic",
            "orders",
            json!({"name": "orders", "tags": ["core"]}),
        ),
    ];
    let revision = store
        .write_catalog(0, &batch, "alice")
        .await
        .map(Committed::unannounced)
        .expect("write");
    assert_eq!(revision, 1);
    let read = store.catalog().await.expect("read");
    assert_eq!(read.revision, 1);
    let rows: Vec<(&str, &str)> = read
        .rows
        .iter()
        .map(|r| (r.kind.as_str(), r.name.as_str()))
        .collect();
    assert_eq!(rows, vec![("team", "checkout"), ("topic", "orders")]);
    assert_eq!(read.rows[1].document["tags"], json!(["core"]));
    assert_eq!(read.rows[0].updated_by, "alice");
    assert!(
        read.rows[0].updated_at.starts_with("20"),
        "{}",
        read.rows[0].updated_at
    );

    // A writer that read revision 0 lost the race: refused, nothing written.
    let stale = [put("team", "late", json!({"name": "late"}))];
    let refused = store
        .write_catalog(0, &stale, "bob")
        .await
        .map(Committed::unannounced);
    assert!(matches!(refused, Err(StoreError::Conflict)), "{refused:?}");
    assert_eq!(store.catalog().await.expect("read").rows.len(), 2);

    // Replace and delete in one batch.
    let batch = [
        put("topic", "orders", json!({"name": "orders"})),
        CatalogWrite::Delete {
            kind: "team".into(),
            name: "checkout".into(),
            action: "catalog.team.deleted".into(),
        },
    ];
    assert_eq!(
        store
            .write_catalog(1, &batch, "carol")
            .await
            .map(Committed::unannounced)
            .expect("write"),
        2
    );
    let read = store.catalog().await.expect("read");
    assert_eq!(read.rows.len(), 1);
    assert_eq!(read.rows[0].document, json!({"name": "orders"}));
    assert_eq!(read.rows[0].updated_by, "carol");
}

#[tokio::test]
async fn sqlite_keeps_the_catalog_contract() {
    let (store, _dir) = sqlite_store().await;
    contract(&store).await;
}

#[tokio::test]
async fn postgres_keeps_the_catalog_contract() {
    let Some(url) = pg_url().await else { return };
    contract(&Store::connect(&url).await.expect("open PostgreSQL")).await;
}

fn entity(kind: EntityKind, document: serde_json::Value) -> Entity {
    Entity::from_json(kind, document).expect("valid entity")
}

/// A catalog on its own store, registry and cache (as a separate process would have).
async fn node(url: &str) -> Arc<Catalog> {
    let store = Store::connect(url).await.expect("connect");
    Arc::new(Catalog::new(Arc::new(Registry::new(store.clone())), store))
}

/// Three nodes on one database, and the URL (for fresh readers).
async fn pg_catalogs() -> Option<(Vec<Arc<Catalog>>, String)> {
    let url = pg_url().await?;
    let mut nodes = Vec::new();
    for _ in 0..3 {
        nodes.push(node(&url).await);
    }
    Some((nodes, url))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn nodes_racing_on_postgres_lose_no_write() {
    let Some((nodes, url)) = pg_catalogs().await else {
        return;
    };
    let writers = (0..30).map(|i| {
        let node = nodes[i % nodes.len()].clone();
        tokio::spawn(async move {
            let team = entity(EntityKind::Team, json!({"name": format!("team-{i:02}")}));
            node.create(team, "racer").await
        })
    });
    for writer in writers.collect::<Vec<_>>() {
        writer.await.expect("task").expect("every create lands");
    }
    let fresh = node(&url)
        .await
        .export(false, &herald::catalog::Everything)
        .await
        .expect("export");
    assert_eq!(fresh.teams.len(), 30);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn rules_hold_across_nodes() {
    let Some((nodes, url)) = pg_catalogs().await else {
        return;
    };
    let topic = entity(EntityKind::Topic, json!({"name": "orders"}));
    nodes[0].create(topic, "setup").await.expect("topic");
    // One node deletes the topic while another adds a consumer of it: whichever commits
    // second must see the first, so the catalog never holds a dangling edge.
    for round in 0..10 {
        let name = EntityName::parse("orders").expect("name");
        let consumer = entity(
            EntityKind::Application,
            json!({"name": format!("reader-{round}"), "consumes": [{"topic": "orders"}]}),
        );
        let (a, b) = (nodes[1].clone(), nodes[2].clone());
        let delete = tokio::spawn(async move { a.delete(EntityKind::Topic, &name, "x").await });
        let add = tokio::spawn(async move { b.create(consumer, "y").await });
        let deleted = delete.await.expect("task");
        let added = add.await.expect("task");
        let file = node(&url)
            .await
            .export(false, &herald::catalog::Everything)
            .await
            .expect("export");
        let topic_exists = !file.topics.is_empty();
        let dangling = file
            .applications
            .iter()
            .any(|app| !app.consumes.is_empty() && !topic_exists);
        assert!(
            !dangling,
            "round {round}: a consumer of a deleted topic was kept"
        );
        match (deleted, added) {
            (Ok(()), Ok(_)) => panic!("round {round}: both writes won"),
            (Ok(()), Err(CatalogError::Invalid(_))) => {}
            (Err(CatalogError::StillReferenced { .. }), Ok(_)) => {}
            (d, a) => panic!("round {round}: unexpected outcome {d:?} / {a:?}"),
        }
        // Reset: no consumers, and the topic back.
        let cleaner = node(&url).await;
        for app in file.applications {
            cleaner
                .delete(EntityKind::Application, &app.name, "reset")
                .await
                .expect("reset");
        }
        if !topic_exists {
            let topic = entity(EntityKind::Topic, json!({"name": "orders"}));
            cleaner.create(topic, "reset").await.expect("reset");
        }
    }
}
