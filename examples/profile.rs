//! Profiling driver (for `perf record` / `valgrind --tool=callgrind`):
//! `profile full MB [RUNS]` analyses the reference corpus sized to MB;
//! `profile keys MB [KEYS]` types and deletes one character KEYS times;
//! `profile name MB [KEYS]` the same inside a speaker's name;
//! `profile rope-name MB [KEYS]` the same with the text in a rope that the
//! core reads (`DocumentState`, as the language server keeps a document).
//! `PROFILE_TEXT=FILE` profiles that text instead of the corpus.

#[path = "../benches/corpus.rs"]
mod corpus;

use sayso::analysis::{Analysis, Document, Entity, Finding, Mention, Options, Quote};

/// Heap bytes of an analysis by part, as requested from the allocator
/// (capacities; malloc's own overhead not counted).
fn analysis_heap_bytes(a: &Analysis) -> Vec<(&'static str, usize)> {
    use std::mem::size_of;
    let entities = a.entities.capacity() * size_of::<Entity>()
        + a.entities
            .iter()
            .map(|e| {
                e.name.capacity()
                    + e.description.as_ref().map_or(0, String::capacity)
                    + (e.mentions.capacity() + e.quotes.capacity()) * size_of::<u32>()
            })
            .sum::<usize>();
    let findings = a.findings.capacity() * size_of::<Finding>()
        + a.findings.iter().map(|f| f.message.capacity()).sum::<usize>();
    vec![
        ("quotes", a.quotes.capacity() * size_of::<Quote>()),
        ("mentions", a.mentions.capacity() * size_of::<Mention>()),
        ("entities", entities),
        ("findings", findings),
        ("paragraphs", a.paragraphs.capacity() * size_of::<std::ops::Range<u32>>()),
    ]
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mode = args.first().map(String::as_str).unwrap_or("full");
    let mb: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(1);
    let n: usize = args
        .get(2)
        .and_then(|s| s.parse().ok())
        .unwrap_or(if mode == "full" { 3 } else { 100 });
    let base = corpus::reference();
    // `PROFILE_TEXT=FILE`: that text instead of the corpus (MB ignored).
    let text = if let Some(file) = std::env::var_os("PROFILE_TEXT") {
        std::fs::read_to_string(file).expect("PROFILE_TEXT: a UTF-8 text file")
    } else if mb == 0 {
        base.text.clone()
    } else {
        corpus::sized(&base.text, mb * 1_000_000)
    };
    match mode {
        "full" => {
            for _ in 0..n {
                let mut d = Document::new(&text, Options::default());
                std::hint::black_box(d.analysis());
            }
        }
        "stats" => {
            let mut d = Document::new(&text, Options::default());
            let a = d.analysis();
            let names: usize = a.entities.iter().map(|e| e.name.len()).sum();
            println!("analysis bytes: {:?}", analysis_heap_bytes(&a));
            println!("pass state bytes: {:?}", d.pass_heap_bytes());
            let cache = d.cache_heap_bytes();
            println!("cache bytes: {cache:?}");
            let get = |k: &str| cache.iter().find(|x| x.0 == k).map_or(0, |x| x.1);
            println!(
                "cache per paragraph: {} bytes requested, {} with malloc's overhead, {:.1} blocks",
                cache.iter().take_while(|x| x.0 != "blocks").map(|x| x.1).sum::<usize>() / a.paragraphs.len().max(1),
                get("chunks") / a.paragraphs.len().max(1),
                get("blocks") as f64 / a.paragraphs.len().max(1) as f64
            );
            println!(
                "bytes {} paragraphs {} quotes {} mentions {} entities {} (name bytes {}) findings {}",
                text.len(),
                a.paragraphs.len(),
                a.quotes.len(),
                a.mentions.len(),
                a.entities.len(),
                names,
                a.findings.len()
            );
        }
        "rope-name" => {
            // A keystroke inside a name with the text in a rope that the
            // core reads (the language server's way).
            let mut rope = ropey::Rope::from_str(&text);
            let mut d = sayso::analysis::DocumentState::new(&rope, Options::default());
            let at = corpus::name_point(&text, &d.analysis(&rope)).expect("a mention");
            let atc = rope.byte_to_char(at);
            for k in 0..n {
                if k % 2 == 0 {
                    rope.insert(atc, "x");
                    d.edit(&rope, at..at, 1);
                } else {
                    rope.remove(atc..atc + 1);
                    d.edit(&rope, at..at + 1, 0);
                }
                std::hint::black_box(d.analysis(&rope));
            }
        }
        _ => {
            let mut d = Document::new(&text, Options::default());
            d.analysis();
            let at = if mode == "name" {
                corpus::name_point(&text, &d.analysis()).expect("a mention")
            } else {
                corpus::typing_point(&text)
            };
            for k in 0..n {
                if k % 2 == 0 {
                    d.edit(at..at, "x");
                } else {
                    d.edit(at..at + 1, "");
                }
                std::hint::black_box(d.analysis());
            }
        }
    }
}
