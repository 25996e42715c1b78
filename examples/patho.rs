//! Pathological inputs of issue 6 at growing sizes: prints the time of a
//! full analysis at n, 2n and 4n (for eyeballing linearity; the tests in
//! `tests/pathological.rs` check the results at the sizes).
//!
//! `cargo run --release --example patho [-- SCALE]`

use std::time::Instant;

fn main() {
    let k: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    type Gen = Box<dyn Fn(usize) -> String>;
    let cases: Vec<(&str, Gen)> = vec![
        ("straight \"", Box::new(|n| "\"".repeat(n))),
        (
            "“ then ”",
            Box::new(|n| "“".repeat(n / 2) + &"”".repeat(n / 2)),
        ),
        ("“‘ nesting", Box::new(|n| "“‘".repeat(n / 2))),
        (
            "“‘ nest+close",
            Box::new(|n| "“‘".repeat(n / 4) + &"’”".repeat(n / 4)),
        ),
        (
            "one long line",
            Box::new(|n| "Bob said “we won” and left, ".repeat(n / 20)),
        ),
        ("said", Box::new(|n| "said ".repeat(n))),
        ("“a b c” said", Box::new(|n| "“a b c” said ".repeat(n / 10))),
        ("’", Box::new(|n| "’".repeat(n))),
        (
            "speakers",
            Box::new(|n| {
                (0..n / 40)
                    .map(|i| format!("“We won,” said Name{i} Sur{i}.\n\n"))
                    .collect()
            }),
        ),
        ("Capitalised", Box::new(|n| "Aa ".repeat(n))),
        ("titles", Box::new(|n| "President ".repeat(n))),
        ("paragraphs", Box::new(|n| "“a\n\n".repeat(n / 4))),
    ];
    for (name, f) in cases {
        let mut line = format!("{name:16}");
        for n in [50_000 * k, 100_000 * k, 200_000 * k] {
            let t = f(n);
            let s = Instant::now();
            let a = sayso::analysis::analyze(&t);
            line += &format!(
                " {:>8} B {:>8.1} ms ({} quotes)",
                t.len(),
                s.elapsed().as_secs_f64() * 1e3,
                a.quotes.len()
            );
        }
        println!("{line}");
    }
}
