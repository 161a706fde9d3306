//! Descriptions are Markdown written by whoever edits the catalog: rendered here to HTML
//! that is safe to insert as is. Raw HTML in the source shows as text, links keep only
//! http, https, mailto and relative targets, images become links (the page loads nothing
//! from elsewhere), and headings start at `<h3>` so they sit under the page's own
//! `<h1>`/`<h2>`.

use pulldown_cmark::{CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd};

/// The schemes a link may use; anything without a scheme is relative and allowed.
const ALLOWED_SCHEMES: [&str; 3] = ["http", "https", "mailto"];

/// Renders `markdown` to sanitised HTML.
pub fn render(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let mut dropped_link = false;
    let events = Parser::new_ext(markdown, options).filter_map(|event| match event {
        Event::Html(text) | Event::InlineHtml(text) => Some(Event::Text(text)),
        // An HTML block, now text, reads as a paragraph.
        Event::Start(Tag::HtmlBlock) => Some(Event::Start(Tag::Paragraph)),
        Event::End(TagEnd::HtmlBlock) => Some(Event::End(TagEnd::Paragraph)),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => {
            if is_safe_url(&dest_url) {
                Some(Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                }))
            } else {
                // Links do not nest, so one flag pairs this start with its end.
                dropped_link = true;
                None
            }
        }
        Event::End(TagEnd::Link) if dropped_link => {
            dropped_link = false;
            None
        }
        // An image becomes a link to it, its alt text the link's text.
        Event::Start(Tag::Image {
            dest_url, title, ..
        }) => {
            if is_safe_url(&dest_url) {
                Some(Event::Start(Tag::Link {
                    link_type: LinkType::Inline,
                    dest_url,
                    title,
                    id: CowStr::Borrowed(""),
                }))
            } else {
                dropped_link = true;
                None
            }
        }
        Event::End(TagEnd::Image) => {
            if dropped_link {
                dropped_link = false;
                None
            } else {
                Some(Event::End(TagEnd::Link))
            }
        }
        Event::Start(Tag::Heading {
            level,
            id,
            classes,
            attrs,
        }) => Some(Event::Start(Tag::Heading {
            level: demoted(level),
            id,
            classes,
            attrs,
        })),
        Event::End(TagEnd::Heading(level)) => Some(Event::End(TagEnd::Heading(demoted(level)))),
        other => Some(other),
    });
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events);
    html
}

/// `#` is `<h3>`, `##` is `<h4>`... down to `<h6>`.
fn demoted(level: HeadingLevel) -> HeadingLevel {
    match level {
        HeadingLevel::H1 => HeadingLevel::H3,
        HeadingLevel::H2 => HeadingLevel::H4,
        HeadingLevel::H3 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    }
}

/// Whether a link target may appear in an `href`: relative, or one of
/// [`ALLOWED_SCHEMES`]. Browsers ignore tabs, newlines and leading control characters in
/// URLs (`java\tscript:` is `javascript:`), so they are ignored here too before the scheme
/// is read.
pub fn is_safe_url(url: &str) -> bool {
    let cleaned: String = url
        .chars()
        .filter(|c| !c.is_control() && !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase();
    let Some(end) = cleaned.find([':', '/', '?', '#']) else {
        return true;
    };
    if !cleaned[end..].starts_with(':') {
        return true;
    }
    ALLOWED_SCHEMES.contains(&&cleaned[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_html_shows_as_text() {
        let html =
            render("Hello <script>alert(1)</script> world\n\n<div onclick=\"x()\">hi</div>\n");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<div"), "{html}");
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{html}"
        );
        assert!(
            html.contains("<p>&lt;div onclick=\"x()\"&gt;hi&lt;/div&gt;"),
            "{html}"
        );
    }

    #[test]
    fn javascript_links_lose_their_href() {
        let html = render("[x](javascript:alert(1)) and [y](JaVa%0Ascript:alert(2))");
        assert!(!html.contains("href"), "{html}");
        assert!(!html.to_lowercase().contains("javascript"), "{html}");
        assert!(html.contains('x') && html.contains('y'), "{html}");
        let html = render("<javascript:alert(1)>");
        assert!(!html.contains("href"), "{html}");
    }

    #[test]
    fn entity_obfuscated_schemes_are_caught() {
        let html = render("[x](java&#9;script:alert(1)) [y](&#x20;javascript:alert(1))");
        assert!(!html.contains("href"), "{html}");
    }

    #[test]
    fn ordinary_links_stay() {
        let html = render(
            "[web](https://example.com/a?b=1) [mail](mailto:team@example.com) [rel](/ui/topics) [frag](#x)",
        );
        assert!(
            html.contains(r#"href="https://example.com/a?b=1""#),
            "{html}"
        );
        assert!(html.contains(r#"href="mailto:team@example.com""#), "{html}");
        assert!(html.contains(r#"href="/ui/topics""#), "{html}");
        assert!(html.contains(r##"href="#x""##), "{html}");
        assert!(!render("[d](data:text/html,hi)").contains("href"));
    }

    #[test]
    fn images_become_links_and_unsafe_ones_vanish() {
        let html = render("![diagram](https://example.com/d.png)");
        assert!(!html.contains("<img"), "{html}");
        assert!(
            html.contains(r#"<a href="https://example.com/d.png">diagram</a>"#),
            "{html}"
        );
        let html = render("![bad](javascript:alert(1))");
        assert!(!html.contains("<a") && !html.contains("<img"), "{html}");
        assert!(html.contains("bad"), "{html}");
    }

    #[test]
    fn headings_sit_below_the_page_headings() {
        let html = render("# Title\n\n## Part\n\n#### Deep");
        assert!(html.contains("<h3>Title</h3>"), "{html}");
        assert!(html.contains("<h4>Part</h4>"), "{html}");
        assert!(html.contains("<h6>Deep</h6>"), "{html}");
    }

    #[test]
    fn markdown_still_works() {
        let html = render("Sends **PlaceOrder** and `code`.");
        assert_eq!(
            html.trim(),
            "<p>Sends <strong>PlaceOrder</strong> and <code>code</code>.</p>"
        );
    }

    #[test]
    fn url_checks() {
        assert!(is_safe_url("https://x"));
        assert!(is_safe_url("HTTP://x"));
        assert!(is_safe_url("relative/path:with-colon"));
        assert!(is_safe_url("?q=a:b"));
        assert!(!is_safe_url("javascript:alert(1)"));
        assert!(!is_safe_url(" \u{1}javascript:alert(1)"));
        assert!(!is_safe_url("vbscript:x"));
        assert!(!is_safe_url("data:text/html;base64,xx"));
    }
}
