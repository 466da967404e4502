import Foundation

/// Text for a person at a terminal: wrapped to its width, coloured only when standard output
/// is a terminal and NO_COLOR is not set.
struct TerminalText {
    let width: Int
    let colour: Bool
    private(set) var text = ""

    init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        let tty = isatty(STDOUT_FILENO) == 1
        colour = tty && (environment["NO_COLOR"] ?? "").isEmpty && environment["TERM"] != "dumb"
        var columns = Int(environment["COLUMNS"] ?? "") ?? 0
        if columns <= 0, tty {
            var size = winsize()
            if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0 { columns = Int(size.ws_col) }
        }
        width = min(max(columns > 0 ? columns : 100, 40), 120)
    }

    enum Style: String {
        case bold = "1", dim = "2", red = "31", green = "32", yellow = "33", cyan = "36"
    }

    func styled(_ s: String, _ style: Style) -> String {
        colour ? "\u{1B}[\(style.rawValue)m\(s)\u{1B}[0m" : s
    }

    /// A heading line: `== title ==` padded with rules.
    mutating func heading(_ title: String, level: Int = 1) {
        let mark = level == 1 ? "═" : "─"
        let head = level == 1 ? "\(mark)\(mark) \(title) " : "\(mark) \(title) "
        let rule = String(repeating: mark, count: max(0, width - head.count))
        line(styled(head + rule, level == 1 ? .bold : .cyan))
    }

    mutating func line(_ s: String = "") {
        text += s + "\n"
    }

    /// `label: value`, the value wrapped under itself when long.
    mutating func field(_ label: String, _ value: String, indent: Int = 2) {
        let head = String(repeating: " ", count: indent) + label + ": "
        let lines = Self.wrap(value, width: width - head.count)
        for (i, l) in lines.enumerated() {
            line((i == 0 ? styled(head, .dim) : String(repeating: " ", count: head.count)) + l)
        }
        if lines.isEmpty { line(styled(head, .dim)) }
    }

    /// A label over a block, `  label:`, dimmed.
    mutating func label(_ text: String) {
        for (i, l) in Self.wrap(text + ":", width: width - 4).enumerated() { line(styled((i == 0 ? "  " : "    ") + l, .dim)) }
    }

    /// One wrapped line of a list, continued two columns further in.
    mutating func item(_ value: String, indent: Int) {
        let pad = String(repeating: " ", count: indent)
        for (i, l) in Self.wrap(value, width: width - indent - 2).enumerated() { line(pad + (i == 0 ? "" : "  ") + l) }
    }

    /// A block of text, each paragraph wrapped, indented by `indent`.
    mutating func block(_ value: String, indent: Int = 4, limit: Int? = nil) {
        var shown = value
        if let limit, shown.count > limit { shown = String(shown.prefix(limit)) + " … (\(value.count) characters)" }
        let pad = String(repeating: " ", count: indent)
        for paragraph in shown.split(separator: "\n", omittingEmptySubsequences: false) {
            // List items ("- x", "2. x") continue under their text, not under their mark.
            let mark = paragraph.prefix { $0 == "-" || $0.isNumber || $0 == "." }
            let hang = !mark.isEmpty && paragraph.dropFirst(mark.count).hasPrefix(" ") ? mark.count + 1 : 0
            for (i, l) in Self.wrap(String(paragraph), width: width - indent - hang).enumerated() {
                line(pad + (i == 0 ? "" : String(repeating: " ", count: hang)) + l)
            }
        }
    }

    /// Word-wraps `text` to `width` columns, keeping its line breaks; a word longer than the
    /// width is cut.
    static func wrap(_ text: String, width: Int) -> [String] {
        let width = max(width, 10)
        var out: [String] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var current = ""
            for word in paragraph.split(separator: " ", omittingEmptySubsequences: true) {
                var word = Substring(word)
                while word.count > width {
                    if !current.isEmpty {
                        out.append(current)
                        current = ""
                    }
                    out.append(String(word.prefix(width)))
                    word = word.dropFirst(width)
                }
                if current.isEmpty {
                    current = String(word)
                } else if current.count + 1 + word.count <= width {
                    current += " " + word
                } else {
                    out.append(current)
                    current = String(word)
                }
            }
            out.append(current)
        }
        while out.last == "" { out.removeLast() }
        return out
    }
}
