//! Where each heading of a printed PDF fell: the outline (bookmarks)
//! Chromium writes with `--generate-pdf-document-outline`, read back as
//! (title, page) pairs so that a second print can put page numbers in the
//! contents. Only what Chromium's PDF writer (Skia) produces is read:
//! plain `N 0 obj … endobj` objects, a page tree of `/Kids`, and outline
//! items with `/Title`, `/Dest [page …]`, `/First` and `/Next`. Anything
//! else gives fewer entries, never an error: the contents then go without
//! those page numbers.

use std::collections::HashMap;

/// The most outline items followed, whatever the file says.
const MAX_ITEMS: usize = 10_000;

/// The headings of `pdf` in outline order, each with the page (from 1) it
/// stands on.
pub fn heading_pages(pdf: &[u8]) -> Vec<(String, usize)> {
    let objects = objects(pdf);
    let Some(pages) = find_catalog(&objects)
        .and_then(|catalog| reference(catalog, "/Pages"))
        .map(|root| page_order(&objects, root))
    else {
        return Vec::new();
    };
    let number: HashMap<u32, usize> = pages.iter().enumerate().map(|(i, p)| (*p, i + 1)).collect();
    let Some(outlines) = find_catalog(&objects)
        .and_then(|catalog| reference(catalog, "/Outlines"))
        .and_then(|id| objects.get(&id))
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    // Depth first: an item, its children (/First), then its next sibling.
    let mut stack: Vec<u32> = reference(outlines, "/First").into_iter().collect();
    while let Some(id) = stack.pop() {
        if out.len() >= MAX_ITEMS {
            break;
        }
        let Some(item) = objects.get(&id) else {
            continue;
        };
        let page = item
            .find("/Dest [")
            .and_then(|at| first_reference(&item[at + "/Dest [".len()..]))
            .and_then(|page| number.get(&page));
        if let (Some(title), Some(page)) = (title(item), page) {
            out.push((title, *page));
        }
        stack.extend(reference(item, "/Next"));
        stack.extend(reference(item, "/First"));
    }
    out
}

/// Every object's dictionary text by number (a stream's data left out).
fn objects(pdf: &[u8]) -> HashMap<u32, String> {
    let text = String::from_utf8_lossy(pdf);
    let mut out = HashMap::new();
    let mut rest: &str = &text;
    while let Some(at) = rest.find(" 0 obj\n") {
        let number = rest[..at]
            .rsplit(|c: char| !c.is_ascii_digit())
            .next()
            .and_then(|n| n.parse().ok());
        let body = &rest[at + " 0 obj\n".len()..];
        let end = body.find("endobj").unwrap_or(body.len());
        let end = match body.find("stream") {
            // A stream's data may hold anything: go on after its end.
            Some(stream) if stream < end => {
                let data_end = body[stream..]
                    .find("endstream")
                    .map_or(body.len(), |e| stream + e);
                rest = &body[data_end..];
                stream
            }
            _ => {
                rest = &body[end..];
                end
            }
        };
        if let Some(number) = number {
            out.insert(number, body[..end].to_string());
        }
    }
    out
}

fn find_catalog(objects: &HashMap<u32, String>) -> Option<&String> {
    objects.values().find(|o| o.contains("/Type /Catalog"))
}

/// The pages under `root`, in order.
fn page_order(objects: &HashMap<u32, String>, root: u32) -> Vec<u32> {
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(id) = stack.pop() {
        if out.len() + stack.len() > MAX_ITEMS {
            break;
        }
        let Some(node) = objects.get(&id) else {
            continue;
        };
        match node.find("/Kids [") {
            Some(at) if node.contains("/Type /Pages") => {
                let list = &node[at + "/Kids [".len()..];
                let list = &list[..list.find(']').unwrap_or(list.len())];
                let kids = references(list);
                stack.extend(kids.into_iter().rev());
            }
            _ => out.push(id),
        }
    }
    out
}

/// The object `key` refers to (`/Key 12 0 R`).
fn reference(dict: &str, key: &str) -> Option<u32> {
    let at = dict.find(&format!("{key} "))?;
    first_reference(&dict[at + key.len() + 1..])
}

/// The first `N 0 R` of `text`.
fn first_reference(text: &str) -> Option<u32> {
    let mut words = text.split_whitespace();
    let (n, generation, r) = (words.next()?, words.next()?, words.next()?);
    (generation == "0" && r.starts_with('R'))
        .then(|| n.parse().ok())
        .flatten()
}

/// Every `N 0 R` of a list.
fn references(list: &str) -> Vec<u32> {
    let words: Vec<&str> = list.split_whitespace().collect();
    words
        .chunks(3)
        .filter_map(|w| match w {
            [n, "0", "R"] => n.parse().ok(),
            _ => None,
        })
        .collect()
}

/// An item's `/Title`: a literal string `(…)` with its escapes, or a hex
/// string `<FEFF…>` in UTF-16.
fn title(item: &str) -> Option<String> {
    let at = item.find("/Title ")?;
    let rest = &item[at + "/Title ".len()..];
    if let Some(hex) = rest.strip_prefix('<') {
        let hex = &hex[..hex.find('>')?];
        let bytes: Vec<u8> = (0..hex.len() / 2)
            .filter_map(|i| u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok())
            .collect();
        let units: Vec<u16> = bytes
            .chunks(2)
            .filter_map(|c| match c {
                [a, b] => Some(u16::from_be_bytes([*a, *b])),
                _ => None,
            })
            .collect();
        let units = units.strip_prefix(&[0xFEFF]).unwrap_or(&units);
        return Some(String::from_utf16_lossy(units));
    }
    let mut chars = rest.strip_prefix('(')?.chars();
    let mut out = String::new();
    let mut depth = 0;
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next()? {
                'n' => out.push('\n'),
                'r' => out.push('\r'),
                't' => out.push('\t'),
                d @ '0'..='7' => {
                    let mut code = d.to_digit(8)?;
                    for _ in 0..2 {
                        match chars.clone().next().and_then(|c| c.to_digit(8)) {
                            Some(more) => {
                                code = code * 8 + more;
                                chars.next();
                            }
                            None => break,
                        }
                    }
                    out.push(char::from_u32(code)?);
                }
                other => out.push(other),
            },
            '(' => {
                depth += 1;
                out.push(c);
            }
            ')' if depth == 0 => return Some(out),
            ')' => {
                depth -= 1;
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const PDF: &str = "%PDF-1.4\n\
        2 0 obj\n<</Type /Page\n/Parent 5 0 R>>\nendobj\n\
        3 0 obj\n<</Type /Page\n/Parent 5 0 R>>\nendobj\n\
        4 0 obj\n<</Filter /FlateDecode /Length 9>> stream\n7 0 obj\nendstream\nendobj\n\
        5 0 obj\n<</Type /Pages\n/Count 2\n/Kids [2 0 R 3 0 R]>>\nendobj\n\
        6 0 obj\n<</Type /Outlines\n/First 7 0 R\n/Last 8 0 R>>\nendobj\n\
        7 0 obj\n<</Title (Contents \\(short\\))\n/Dest [2 0 R /XYZ 0 0 0]\n/Next 8 0 R>>\nendobj\n\
        8 0 obj\n<</Title <FEFF00C9006C00E8007600650073>\n/Dest [3 0 R /XYZ 0 0 0]>>\nendobj\n\
        9 0 obj\n<</Type /Catalog\n/Pages 5 0 R\n/Outlines 6 0 R>>\nendobj\n";

    #[test]
    fn outline_items_come_with_the_page_they_point_to() {
        assert_eq!(
            heading_pages(PDF.as_bytes()),
            [
                ("Contents (short)".to_string(), 1),
                ("Élèves".to_string(), 2)
            ]
        );
    }

    #[test]
    fn a_file_without_an_outline_gives_no_pages() {
        assert!(heading_pages(b"%PDF-1.4\n").is_empty());
        assert!(heading_pages(&PDF.as_bytes()[..200]).is_empty());
    }
}
