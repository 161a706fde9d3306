//! Where a sign-in sends the reader afterwards: only a path on this site. Anything that a
//! browser could read as another site (`//evil`, `https://evil`, `/\evil`, a path with a
//! tab or newline, which browsers drop before reading it) goes to the portal's home.

use crate::portal::links;

/// Longest `next` kept; a longer one is no page of ours.
const MAX_NEXT: usize = 2048;

/// `next` when it is a path on this site, else the portal's home.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(next) if is_local_path(next) && !is_sign_in_path(next) => next.to_owned(),
        _ => links::PREFIX.to_owned(),
    }
}

/// A path starting with one `/`, of visible ASCII only (a browser percent-encodes the
/// rest), with no backslash (which browsers read as `/`).
fn is_local_path(next: &str) -> bool {
    next.len() <= MAX_NEXT
        && next.starts_with('/')
        && !next.starts_with("//")
        && next.bytes().all(|b| b.is_ascii_graphic() && b != b'\\')
}

/// The sign-in pages themselves: coming back to them after signing in would only show the
/// form again.
fn is_sign_in_path(next: &str) -> bool {
    let path = next.split(['?', '#']).next().unwrap_or(next);
    path == "/ui/sign-in"
        || path.starts_with("/ui/sign-in/")
        || path == "/ui/sign-out"
        || path.starts_with("/ui/auth/")
}

/// The sign-in page's address, bringing the reader back to `here` afterwards.
pub fn sign_in_href(here: Option<&str>) -> String {
    match here.map(|here| safe_next(Some(here))) {
        Some(next) if next != links::PREFIX => {
            format!("/ui/sign-in{}", links::query(&[("next", &next)]))
        }
        _ => "/ui/sign-in".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_on_this_site_are_kept() {
        for next in [
            "/ui",
            "/ui/subjects?q=orders&page=2",
            "/ui/subjects/a%2Fb",
            "/x",
        ] {
            assert_eq!(safe_next(Some(next)), next);
        }
    }

    #[test]
    fn anything_a_browser_could_read_as_another_site_goes_home() {
        for next in [
            "//evil.example",
            "///evil.example",
            "https://evil.example",
            "javascript:alert(1)",
            "/\\evil.example",
            "\\\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/ui/ space",
            "/ui/é",
            "evil.example",
            "",
        ] {
            assert_eq!(safe_next(Some(next)), "/ui", "{next:?}");
        }
        assert_eq!(safe_next(None), "/ui");
        assert_eq!(
            safe_next(Some(&format!("/{}", "a".repeat(MAX_NEXT)))),
            "/ui"
        );
    }

    #[test]
    fn the_sign_in_pages_are_not_a_destination() {
        for next in [
            "/ui/sign-in",
            "/ui/sign-in?next=/ui",
            "/ui/sign-in/sso",
            "/ui/auth/callback?code=1",
            "/ui/sign-out",
        ] {
            assert_eq!(safe_next(Some(next)), "/ui", "{next}");
        }
        assert_eq!(safe_next(Some("/ui/sign-ins")), "/ui/sign-ins");
    }

    #[test]
    fn the_sign_in_link_carries_the_page_to_come_back_to() {
        assert_eq!(
            sign_in_href(Some("/ui/subjects?q=a+b")),
            "/ui/sign-in?next=%2Fui%2Fsubjects%3Fq%3Da%2Bb"
        );
        assert_eq!(sign_in_href(Some("/ui")), "/ui/sign-in");
        assert_eq!(sign_in_href(Some("//evil")), "/ui/sign-in");
        assert_eq!(sign_in_href(None), "/ui/sign-in");
    }
}
