//! Escaping for the HTML bodies of mail: everything a visitor or agent wrote is text, never
//! markup.

/// `text` with `& < > " '` escaped, safe inside elements and quoted attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// [`escape`], with line breaks as `<br>`.
pub fn escape_lines(text: &str) -> String {
    escape(text).replace("\r\n", "\n").replace('\n', "<br>")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_becomes_text() {
        assert_eq!(
            escape_lines("<b>hi</b> & \"x\"\n'y'"),
            "&lt;b&gt;hi&lt;/b&gt; &amp; &quot;x&quot;<br>&#39;y&#39;"
        );
    }
}
