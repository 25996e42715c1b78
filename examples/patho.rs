use std::time::Instant;
fn main() {
    let k: usize = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(1);
    let cases: Vec<(&str, Box<dyn Fn(usize) -> String>)> = vec![
        ("straight", Box::new(|n| "\"".repeat(n))),
        ("open-close", Box::new(|n| "“".repeat(n) + &"”".repeat(n))),
        ("nest", Box::new(|n| "“‘".repeat(n))),
        ("nest-closed", Box::new(|n| "“‘".repeat(n) + &"’”".repeat(n))),
        ("line", Box::new(|n| "word “quote” said Bob, ".repeat(n / 20))),
        ("said", Box::new(|n| "said ".repeat(n))),
        ("said-q", Box::new(|n| "“a b c” said ".repeat(n))),
        ("apos", Box::new(|n| "’".repeat(n))),
        ("apos-sp", Box::new(|n| "’ ".repeat(n))),
        ("speakers", Box::new(|n| (0..n / 40).map(|i| format!("“We won,” said Name{i} Sur{i}.\n\n")).collect())),
        ("caps", Box::new(|n| "Aa ".repeat(n))),
        ("titles", Box::new(|n| "President ".repeat(n))),
        ("the", Box::new(|n| "the ".repeat(n))),
        ("colon", Box::new(|n| "a: “b” ".repeat(n))),
        ("dash", Box::new(|n| "— ".repeat(n))),
        ("paras", Box::new(|n| "“a\n\n".repeat(n))),
    ];
    for (name, f) in cases {
        let mut line = format!("{name:12}");
        for n in [10_000 * k, 20_000 * k, 40_000 * k] {
            let t = f(n);
            let s = Instant::now();
            let a = sayso::analysis::analyze(&t);
            line += &format!(" {:>8}B {:>8.1}ms q={}", t.len(), s.elapsed().as_secs_f64() * 1e3, a.quotes.len());
        }
        println!("{line}");
    }
}
