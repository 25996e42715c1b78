//! Debugging aid: `cargo run --example dump -- FILE...` prints each file's
//! quotations with their speakers, or with `--json` the same JSON lines as
//! `sayso quotes --json` (minimal fields), for the PolNeAR scorer.
use sayso::analysis::{analyze, Method};

fn main() {
    let mut json = false;
    for arg in std::env::args().skip(1) {
        if arg == "--json" {
            json = true;
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&arg) else {
            eprintln!("{arg}: cannot read");
            continue;
        };
        let a = analyze(&text);
        if json {
            let qs: Vec<String> = a
                .quotes
                .iter()
                .map(|q| {
                    let sp = match &q.attribution {
                        Some(at) => {
                            let m = &a.mentions[at.mention];
                            let how = match at.method {
                                Method::Cue => "cue",
                                Method::Pronoun { .. } => "pronoun",
                                Method::Continuation { of } => if a.quotes[of].paragraph == q.paragraph { "cont-same" } else { "cont-prev" },
                            };
                            format!("{{\"mention\":{{\"start\":{},\"end\":{}}},\"how\":\"{}\"}}", m.range.start, m.range.end, how)
                        }
                        None => "null".into(),
                    };
                    format!("{{\"start\":{},\"end\":{},\"speaker\":{}}}", q.range.start, q.range.end, sp)
                })
                .collect();
            println!("{{\"path\":{:?},\"quotes\":[{}]}}", arg, qs.join(","));
            continue;
        }
        println!("== {arg}");
        for q in &a.quotes {
            let t: String = text[q.range.clone()].chars().take(60).collect();
            match &q.attribution {
                Some(at) => {
                    let m = &a.mentions[at.mention];
                    let how = match at.method {
                        Method::Cue => "cue".to_string(),
                        Method::Pronoun { antecedent } => format!("pronoun→{}", &text[a.mentions[antecedent].range.clone()]),
                        Method::Continuation { of } => format!("cont of {of}"),
                    };
                    println!("{:>6} {:?} [{:?}] <- {} ({}) as {:?} {}", q.range.start, t, q.kind, a.entities[at.entity].name, &text[m.range.clone()], at.cue.as_ref().map(|c| &text[c.clone()]), how);
                }
                None => println!("{:>6} {:?} [{:?}] <- NONE", q.range.start, t, q.kind),
            }
        }
        if entities_wanted() {
            for e in &a.entities {
                println!("  E {:?} {:?} {:?} mentions={} quotes={}", e.name, e.kind, e.description, e.mentions.len(), e.quotes.len());
            }
        }
        for f in &a.findings {
            println!("  ! {} {} {}", f.range.start, f.code, f.message);
        }
    }
}

/// `ENTITIES=1`: also list each file's entities (debugging aid).
#[allow(dead_code)]
fn entities_wanted() -> bool {
    std::env::var_os("ENTITIES").is_some()
}
