//! What `templates/base.html` needs from every page: title, current nav section,
//! breadcrumbs, the search box's value and the asset URLs.

use super::{assets, links};

/// The site areas of the nav. Catalog areas link to pages the event catalog serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Home,
    Subjects,
    Topics,
    Applications,
    Events,
    Domains,
    Teams,
    Audit,
    /// Observed usage: drift and deprecations.
    Usage,
    Search,
    /// Error pages: nothing highlighted.
    None,
}

const NAV: [(&str, &str, Section); 11] = [
    ("Home", "/ui/", Section::Home),
    ("Subjects", "/ui/subjects", Section::Subjects),
    ("Topics", "/ui/topics", Section::Topics),
    ("Applications", "/ui/applications", Section::Applications),
    ("Events", "/ui/events", Section::Events),
    ("Domains", "/ui/domains", Section::Domains),
    ("Teams", "/ui/teams", Section::Teams),
    ("Drift", "/ui/drift", Section::Usage),
    ("Audit trail", "/ui/audit", Section::Audit),
    ("Search", "/ui/search", Section::Search),
    ("API docs", "/api-docs/", Section::None),
];

pub struct NavItem {
    pub label: &'static str,
    pub href: &'static str,
    pub current: bool,
}

/// One breadcrumb; the last one (the page itself) has no link.
pub struct Crumb {
    pub label: String,
    pub href: Option<String>,
}

pub struct Chrome {
    /// The `<title>` (" - Herald" is appended).
    pub title: String,
    pub section: Section,
    pub crumbs: Vec<Crumb>,
    /// What the header's search box shows.
    pub search: String,
    /// Who is looking, as the header and footer say.
    pub who: Who,
}

/// Who the page is shown to.
#[derive(Debug, Clone, Default)]
pub struct Who {
    /// The signed-in principal's name.
    pub name: Option<String>,
    /// Access control is off (the footer warns).
    pub open: bool,
    /// The sign-out form's CSRF token, when the reader signed in through the portal (a
    /// browser sending a password itself has no session to end).
    pub sign_out_csrf: Option<String>,
    /// The sign-in page, bringing the reader back to this page.
    pub sign_in_href: String,
}

impl Who {
    fn of_request() -> Self {
        let context = super::sign_in::SignInContext::current();
        let sign_in_href = super::sign_in::sign_in_href(context.here.as_deref());
        match crate::access::Viewer::current() {
            Some(viewer) => Self {
                name: viewer.caller().name().map(str::to_owned),
                open: viewer.is_open(),
                sign_out_csrf: context.sign_out_csrf,
                sign_in_href,
            },
            None => Self {
                sign_in_href,
                ..Self::default()
            },
        }
    }
}

impl Chrome {
    pub fn new(title: impl Into<String>, section: Section) -> Self {
        Self {
            title: title.into(),
            section,
            crumbs: Vec::new(),
            search: String::new(),
            who: Who::of_request(),
        }
    }

    /// Adds a linked breadcrumb (Home is always first).
    pub fn crumb(mut self, label: impl Into<String>, href: impl Into<String>) -> Self {
        self.crumbs.push(Crumb {
            label: label.into(),
            href: Some(href.into()),
        });
        self
    }

    /// Adds the last breadcrumb: the page itself.
    pub fn here(mut self, label: impl Into<String>) -> Self {
        self.crumbs.push(Crumb {
            label: label.into(),
            href: None,
        });
        self
    }

    pub fn nav(&self) -> Vec<NavItem> {
        // The audit trail is for administrators: others are not offered a link that fails.
        let audit = super::sight::audit_link(String::new()).is_some();
        NAV.iter()
            .filter(|&&(_, _, section)| section != Section::Audit || audit)
            .map(|&(label, href, section)| NavItem {
                label,
                href,
                current: section != Section::None && section == self.section,
            })
            .collect()
    }

    pub fn home_href(&self) -> String {
        links::home()
    }

    pub fn css_href(&self) -> &'static str {
        assets::href("herald.css")
    }

    /// The catalog pages' and graphs' stylesheets (small, cached for a year: every page
    /// links them, so no page needs a head block of its own).
    pub fn extra_css_hrefs(&self) -> [&'static str; 2] {
        [assets::href("catalog.css"), assets::href("graph.css")]
    }

    pub fn js_href(&self) -> &'static str {
        assets::href("herald.js")
    }

    pub fn icon_href(&self) -> &'static str {
        assets::href("favicon.svg")
    }

    pub fn version(&self) -> &'static str {
        env!("CARGO_PKG_VERSION")
    }
}
