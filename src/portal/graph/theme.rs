//! Colours and the stylesheet: a light and a dark theme (text contrast is checked by a unit
//! test), a forced-colours block, and the rules shared by both, all scoped to `.herald-graph`.

use std::fmt::{self, Write as _};

use super::{EdgeKind, NodeKind};

#[derive(Clone, Copy)]
pub(super) struct KindColours {
    pub(super) fill: &'static str,
    pub(super) stroke: &'static str,
    pub(super) text: &'static str,
    pub(super) badge: &'static str,
}

pub(super) struct Theme {
    pub(super) bg: &'static str,
    pub(super) border: &'static str,
    pub(super) muted: &'static str,
    pub(super) label_bg: &'static str,
    pub(super) label_border: &'static str,
    pub(super) label_text: &'static str,
    pub(super) focus: &'static str,
    /// Indexed by `EdgeKind::index`.
    pub(super) edges: [&'static str; 5],
    /// Indexed by `NodeKind::index`.
    pub(super) kinds: [KindColours; 6],
}

pub(super) const LIGHT: Theme = Theme {
    bg: "#ffffff",
    border: "#d0d7de",
    muted: "#57606a",
    label_bg: "#ffffff",
    label_border: "#d0d7de",
    label_text: "#1f2328",
    focus: "#1f2328",
    edges: ["#2563eb", "#c2410c", "#15803d", "#be185d", "#6d28d9"],
    kinds: [
        KindColours {
            fill: "#eff6ff",
            stroke: "#2563eb",
            text: "#1e3a8a",
            badge: "#1d4ed8",
        },
        KindColours {
            fill: "#fff7ed",
            stroke: "#ea580c",
            text: "#7c2d12",
            badge: "#9a3412",
        },
        KindColours {
            fill: "#faf5ff",
            stroke: "#9333ea",
            text: "#581c87",
            badge: "#7e22ce",
        },
        KindColours {
            fill: "#f0fdf4",
            stroke: "#16a34a",
            text: "#14532d",
            badge: "#166534",
        },
        KindColours {
            fill: "#fdf2f8",
            stroke: "#db2777",
            text: "#831843",
            badge: "#9d174d",
        },
        KindColours {
            fill: "#f8fafc",
            stroke: "#64748b",
            text: "#0f172a",
            badge: "#475569",
        },
    ],
};

pub(super) const DARK: Theme = Theme {
    bg: "#0d1117",
    border: "#30363d",
    muted: "#9198a1",
    label_bg: "#161b22",
    label_border: "#3d444d",
    label_text: "#e6edf3",
    focus: "#f0f6fc",
    edges: ["#60a5fa", "#fb923c", "#4ade80", "#f472b6", "#c4b5fd"],
    kinds: [
        KindColours {
            fill: "#172554",
            stroke: "#60a5fa",
            text: "#dbeafe",
            badge: "#93c5fd",
        },
        KindColours {
            fill: "#431407",
            stroke: "#fb923c",
            text: "#ffedd5",
            badge: "#fdba74",
        },
        KindColours {
            fill: "#3b0764",
            stroke: "#c084fc",
            text: "#f3e8ff",
            badge: "#d8b4fe",
        },
        KindColours {
            fill: "#052e16",
            stroke: "#4ade80",
            text: "#dcfce7",
            badge: "#86efac",
        },
        KindColours {
            fill: "#500724",
            stroke: "#f472b6",
            text: "#fce7f3",
            badge: "#f9a8d4",
        },
        KindColours {
            fill: "#1e293b",
            stroke: "#94a3b8",
            text: "#f1f5f9",
            badge: "#cbd5e1",
        },
    ],
};

const STYLE_BASE: &str = ".herald-graph{max-width:100%;height:auto}\
.herald-graph{font-family:system-ui,-apple-system,\"Segoe UI\",Roboto,\"Helvetica Neue\",Arial,sans-serif}\
.herald-graph .bg{stroke-width:1px}\
.herald-graph text{text-anchor:middle}\
.herald-graph .legend text{text-anchor:start;font-size:11px}\
.herald-graph .node .box{stroke-width:1.5px}\
.herald-graph .node .name{font-size:13px}\
.herald-graph .node .badge{font-size:10px;letter-spacing:.06em;text-transform:uppercase}\
.herald-graph .node-focus .box{stroke-width:2.5px}\
.herald-graph .node-focus .name{font-weight:600}\
.herald-graph .node .halo{fill:none;stroke-width:2px;stroke-opacity:.45}\
.herald-graph a{cursor:pointer}\
.herald-graph a:hover .name{text-decoration:underline}\
.herald-graph a:focus{outline:none}\
.herald-graph a:focus-visible rect.box{stroke-width:3px}\
.herald-graph .edge path{fill:none;stroke-width:1.5px}\
.herald-graph .edge-contains path,.herald-graph .edge-owns path{stroke-dasharray:6 4}\
.herald-graph .edge-observed path{stroke-dasharray:2 3;stroke-width:2px}\
.herald-graph .edge-label rect{stroke-width:1px}\
.herald-graph .edge-label text{font-size:11px}";

const STYLE_FORCED: &str = "@media (forced-colors:active){\
.herald-graph .bg,.herald-graph .node .box,.herald-graph .edge-label rect{fill:Canvas;stroke:CanvasText}\
.herald-graph text{fill:CanvasText}\
.herald-graph a .name{fill:LinkText}\
.herald-graph .edge path,.herald-graph .node .halo{stroke:CanvasText}\
.herald-graph .arrow{fill:CanvasText}\
.herald-graph a:focus-visible rect.box{stroke:Highlight}}";

fn write_theme(out: &mut String, t: &Theme) -> fmt::Result {
    write!(
        out,
        ".herald-graph .bg{{fill:{};stroke:{}}}\
         .herald-graph .legend text{{fill:{}}}\
         .herald-graph .edge-label rect{{fill:{};stroke:{}}}\
         .herald-graph .edge-label text{{fill:{}}}\
         .herald-graph a:focus-visible rect.box{{stroke:{}}}",
        t.bg, t.border, t.muted, t.label_bg, t.label_border, t.label_text, t.focus
    )?;
    for kind in NodeKind::ALL {
        let c = t.kinds[kind.index()];
        let k = kind.name();
        write!(
            out,
            ".herald-graph .node-{k} rect{{fill:{};stroke:{}}}\
             .herald-graph .node-{k} .name{{fill:{}}}\
             .herald-graph .node-{k} .badge{{fill:{}}}",
            c.fill, c.stroke, c.text, c.badge
        )?;
    }
    for kind in EdgeKind::ALL {
        let k = kind.name();
        let colour = t.edges[kind.index()];
        write!(
            out,
            ".herald-graph .edge-{k} path{{stroke:{colour}}}.herald-graph .arrow-{k}{{fill:{colour}}}"
        )?;
    }
    Ok(())
}

/// The graphs' stylesheet, served as `static/graph.css` (a test keeps the file equal to
/// this): the portal's Content-Security-Policy allows no inline styles.
pub fn stylesheet() -> String {
    let mut out = String::from(
        "/* Generated by portal::graph::stylesheet(); a test keeps this file in step. */\n",
    );
    out.push_str(STYLE_BASE);
    // Writing into a String cannot fail.
    let _ = write_theme(&mut out, &LIGHT);
    out.push_str("@media (prefers-color-scheme:dark){");
    let _ = write_theme(&mut out, &DARK);
    out.push('}');
    out.push_str(STYLE_FORCED);
    out.push('\n');
    out
}
