//! The metrics of `../shared/tools/polnear.py` (`score`), computed the same
//! way in the same order, and printed as Python's `json.dumps(r, indent=1)`
//! prints them, so the two outputs can be compared byte for byte.
//!
//! All metrics are over quoted attributions (see [`super::brat`]):
//! - `detect_recall`: gold attributions with a Source that have at least one
//!   system quotation inside (half of the quotation's bytes within Content);
//! - `attr_precision`: system quotations with a speaker whose mention
//!   overlaps a Source of a gold attribution containing the quotation, over
//!   system quotations with a speaker;
//! - `attr_recall`: gold attributions with a Source that have a correctly
//!   attributed system quotation inside;
//! - `attr_f1`: harmonic mean of the two;
//! - `false_unattributed_rate`: system quotations without a speaker that lie
//!   inside a gold attribution with a Source, over all without a speaker.

use super::brat::{Article, Gold, Span};

/// A system quotation as the scorer reads it from `quotes --json`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SysQuote {
    /// Quotation bytes, marks included.
    pub span: Span,
    /// The speaker mention's bytes, when there is a speaker.
    pub mention: Option<Span>,
}

/// Python's `collections.Counter` as `score` uses it: `c[k] += n` creates
/// the key (even for `n == 0`), reading a missing key gives 0 and does not
/// create it, and `dict(c)` keeps insertion order.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Counter(pub Vec<(&'static str, u64)>);

impl Counter {
    /// `c[key] += n`.
    pub fn add(&mut self, key: &'static str, n: u64) {
        match self.0.iter_mut().find(|(k, _)| *k == key) {
            Some((_, v)) => *v += n,
            None => self.0.push((key, n)),
        }
    }

    /// `c[key]`.
    pub fn get(&self, key: &str) -> u64 {
        self.0
            .iter()
            .find(|(k, _)| *k == key)
            .map_or(0, |(_, v)| *v)
    }
}

/// The result of [`score`], fields in Python's order.
#[derive(Debug, Clone, PartialEq)]
pub struct Scores {
    pub gold_quoted_attributions: u64,
    pub detect_recall: f64,
    pub attr_precision: f64,
    pub attr_recall: f64,
    pub attr_f1: f64,
    pub false_unattributed_rate: f64,
    pub counts: Counter,
}

fn overlap(a: Span, b: Span) -> i64 {
    0.max(a.1.min(b.1) as i64 - a.0.max(b.0) as i64)
}

/// `inside(q, spans, frac=0.5)`: at least half of `q`'s bytes lie in `spans`.
fn inside(q: Span, spans: &[Span]) -> bool {
    let n = 1.max(q.1 as i64 - q.0 as i64);
    let sum: i64 = spans.iter().map(|&s| overlap(q, s)).sum();
    sum as f64 >= 0.5 * n as f64
}

fn ratio(a: u64, b: u64) -> f64 {
    a as f64 / 1.max(b) as f64
}

/// What went wrong for one article, for `--explain` (not part of the scores).
#[derive(Debug, Default)]
pub struct Misses {
    /// Gold attributions (with a Source) without a correctly attributed
    /// quotation, and whether any quotation was detected in them.
    pub missed: Vec<(usize, bool)>,
    /// System quotations with a speaker that is wrong (inside a gold
    /// attribution whose Source the mention does not overlap).
    pub wrong: Vec<usize>,
    /// System quotations without a speaker inside a gold attribution with a Source.
    pub false_unattributed: Vec<usize>,
}

/// `score(arts, system)`; `system[i]` are the quotations of `arts[i]`.
pub fn score(
    arts: &[Article],
    system: &[Vec<SysQuote>],
    mut misses: Option<&mut Vec<Misses>>,
) -> Scores {
    let mut c = Counter::default();
    for (art, quotes) in arts.iter().zip(system) {
        let mut m = Misses::default();
        let gold: Vec<(usize, &Gold)> = art
            .gold
            .iter()
            .enumerate()
            .filter(|(_, g)| !g.source.is_empty())
            .collect();
        c.add("gold", gold.len() as u64);
        c.add("gold_nosource", (art.gold.len() - gold.len()) as u64);
        for &(gi, g) in &gold {
            let inq: Vec<&SysQuote> = quotes
                .iter()
                .filter(|q| inside(q.span, &g.content))
                .collect();
            if !inq.is_empty() {
                c.add("detected", 1);
            }
            let correct = inq.iter().any(|q| {
                q.mention
                    .is_some_and(|mention| g.source.iter().any(|&s| overlap(mention, s) > 0))
            });
            if correct {
                c.add("attr_correct_gold", 1);
            } else {
                m.missed.push((gi, !inq.is_empty()));
            }
        }
        for (qi, q) in quotes.iter().enumerate() {
            let owners: Vec<&Gold> = art
                .gold
                .iter()
                .filter(|g| inside(q.span, &g.content))
                .collect();
            match q.mention {
                Some(mention) => {
                    c.add("sys_attributed", 1);
                    if owners
                        .iter()
                        .any(|g| g.source.iter().any(|&s| overlap(mention, s) > 0))
                    {
                        c.add("sys_correct", 1);
                    } else if owners.is_empty() {
                        c.add("sys_outside_gold", 1);
                    } else {
                        m.wrong.push(qi);
                    }
                }
                None => {
                    c.add("sys_unattributed", 1);
                    if owners.iter().any(|g| !g.source.is_empty()) {
                        c.add("false_unattributed", 1);
                        m.false_unattributed.push(qi);
                    }
                }
            }
        }
        if let Some(all) = misses.as_deref_mut() {
            all.push(m);
        }
    }
    let detect_recall = ratio(c.get("detected"), c.get("gold"));
    let attr_precision = ratio(c.get("sys_correct"), c.get("sys_attributed"));
    let attr_recall = ratio(c.get("attr_correct_gold"), c.get("gold"));
    let (p, rc) = (attr_precision, attr_recall);
    let attr_f1 = if p + rc != 0.0 {
        2.0 * p * rc / (p + rc)
    } else {
        0.0
    };
    Scores {
        gold_quoted_attributions: c.get("gold"),
        detect_recall,
        attr_precision,
        attr_recall,
        attr_f1,
        false_unattributed_rate: ratio(c.get("false_unattributed"), c.get("sys_unattributed")),
        counts: c,
    }
}

/// Python's `repr(float)` (what `json.dumps` prints for a finite float):
/// the shortest digits that round-trip, positional for exponents -5 < e < 16
/// with at least one digit after the point, scientific (`1e-05`) otherwise.
pub fn py_float(x: f64) -> String {
    if x == 0.0 {
        return if x.is_sign_negative() {
            "-0.0".into()
        } else {
            "0.0".into()
        };
    }
    if !x.is_finite() {
        return if x.is_nan() {
            "NaN".into()
        } else if x > 0.0 {
            "Infinity".into()
        } else {
            "-Infinity".into()
        };
    }
    // Rust's `{:e}` gives the same shortest round-trip digits: `d.ddde-N`.
    let sci = format!("{:e}", x.abs());
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let sign = if x < 0.0 { "-" } else { "" };
    let decpt = exp + 1; // value = 0.DIGITS × 10^decpt
    if !(-4 < decpt && decpt <= 16) {
        let m = if digits.len() > 1 {
            format!("{}.{}", &digits[..1], &digits[1..])
        } else {
            digits.clone()
        };
        let e = if exp < 0 {
            format!("-{:02}", -exp)
        } else {
            format!("+{exp:02}")
        };
        return format!("{sign}{m}e{e}");
    }
    if decpt <= 0 {
        format!("{sign}0.{}{digits}", "0".repeat((-decpt) as usize))
    } else if digits.len() as i32 <= decpt {
        format!(
            "{sign}{digits}{}.0",
            "0".repeat((decpt - digits.len() as i32) as usize)
        )
    } else {
        let (int, frac) = digits.split_at(decpt as usize);
        format!("{sign}{int}.{frac}")
    }
}

/// `json.dumps(r, indent=1)` of the scores, without a trailing newline
/// (`print` adds one).
pub fn to_python_json(s: &Scores) -> String {
    let mut out = String::from("{\n");
    out += &format!(
        " \"gold_quoted_attributions\": {},\n",
        s.gold_quoted_attributions
    );
    for (k, v) in [
        ("detect_recall", s.detect_recall),
        ("attr_precision", s.attr_precision),
        ("attr_recall", s.attr_recall),
        ("attr_f1", s.attr_f1),
        ("false_unattributed_rate", s.false_unattributed_rate),
    ] {
        out += &format!(" \"{k}\": {},\n", py_float(v));
    }
    if s.counts.0.is_empty() {
        out += " \"counts\": {}\n";
    } else {
        out += " \"counts\": {\n";
        let items: Vec<String> = s
            .counts
            .0
            .iter()
            .map(|(k, v)| format!("  \"{k}\": {v}"))
            .collect();
        out += &items.join(",\n");
        out += "\n }\n";
    }
    out.push('}');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn floats_print_like_python_repr() {
        for (x, want) in [
            (0.0, "0.0"),
            (1.0, "1.0"),
            (0.5, "0.5"),
            (2.0 / 3.0, "0.6666666666666666"),
            (0.1 + 0.2, "0.30000000000000004"),
            (1e-4, "0.0001"),
            (1.5e-5, "1.5e-05"),
            (1e-5, "1e-05"),
            (123.25, "123.25"),
            (1e16, "1e+16"),
            (1234567890123456.0, "1234567890123456.0"),
            (-0.25, "-0.25"),
        ] {
            assert_eq!(py_float(x), want, "{x:e}");
        }
    }

    fn art(gold: Vec<Gold>) -> Article {
        Article {
            path: PathBuf::from("a.txt"),
            gold,
            text: String::new(),
        }
    }

    #[test]
    fn metrics_follow_the_python_definitions() {
        // Gold 1: quote 10..30 said by 0..5. Gold 2: quote 40..60 by 70..75.
        // Gold 3: no source (counted apart).
        let g = |c: Span, s: Vec<Span>| Gold {
            content: vec![c],
            source: s,
        };
        let arts = [art(vec![
            g((10, 30), vec![(0, 5)]),
            g((40, 60), vec![(70, 75)]),
            g((80, 90), vec![]),
        ])];
        let sys = vec![vec![
            SysQuote {
                span: (10, 30),
                mention: Some((2, 4)),
            }, // correct
            SysQuote {
                span: (40, 60),
                mention: Some((0, 5)),
            }, // wrong speaker
            SysQuote {
                span: (45, 55),
                mention: None,
            }, // false unattributed
            SysQuote {
                span: (100, 110),
                mention: Some((0, 1)),
            }, // outside gold
            SysQuote {
                span: (80, 90),
                mention: None,
            }, // gold without source
        ]];
        let mut misses = Vec::new();
        let s = score(&arts, &sys, Some(&mut misses));
        assert_eq!(s.gold_quoted_attributions, 2);
        assert_eq!(s.detect_recall, 1.0);
        assert_eq!(s.attr_precision, 1.0 / 3.0);
        assert_eq!(s.attr_recall, 0.5);
        assert_eq!(s.attr_f1, 2.0 * (1.0 / 3.0) * 0.5 / (1.0 / 3.0 + 0.5));
        assert_eq!(s.false_unattributed_rate, 0.5);
        assert_eq!(misses[0].missed, [(1, true)]);
        assert_eq!(misses[0].wrong, [1]);
        assert_eq!(misses[0].false_unattributed, [2]);
        assert_eq!(
            to_python_json(&s),
            "{\n \"gold_quoted_attributions\": 2,\n \"detect_recall\": 1.0,\n \"attr_precision\": 0.3333333333333333,\n \
             \"attr_recall\": 0.5,\n \"attr_f1\": 0.4,\n \"false_unattributed_rate\": 0.5,\n \"counts\": {\n  \"gold\": 2,\n  \
             \"gold_nosource\": 1,\n  \"detected\": 2,\n  \"attr_correct_gold\": 1,\n  \"sys_attributed\": 3,\n  \
             \"sys_correct\": 1,\n  \"sys_unattributed\": 2,\n  \"false_unattributed\": 1,\n  \"sys_outside_gold\": 1\n }\n}"
        );
    }

    #[test]
    fn a_quote_is_inside_when_half_its_bytes_are() {
        assert!(inside((0, 10), &[(5, 20)]));
        assert!(!inside((0, 10), &[(6, 20)]));
        assert!(!inside((0, 10), &[(0, 3), (9, 10)]));
        assert!(inside((0, 10), &[(0, 3), (7, 10)]));
        // Empty quote: n = 1, needs overlap 0.5 → 1 byte (never).
        assert!(!inside((5, 5), &[(0, 10)]));
    }

    #[test]
    fn empty_input_prints_empty_counts() {
        let s = score(&[], &[], None);
        assert!(to_python_json(&s).ends_with(" \"counts\": {}\n}"));
    }
}
