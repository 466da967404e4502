import Foundation

/// Small charts as inline SVG: no script, no network, readable in any browser or printed.
enum SVGChart {
    /// A vertical line drawn over a histogram at `value`, labelled.
    struct Marker {
        var value: Double
        var label: String
        var colour: String
        var dashed: Bool
    }

    static let barColour = "#4c78a8"

    /// Horizontal bars, one per label, with the value written at the end of each.
    static func bars(_ rows: [(label: String, value: Double)], title: String, format: (Double) -> String, width: Int = 640) -> String {
        let labelWidth = min(260, 12 + 7 * (rows.map(\.label.count).max() ?? 8))
        let rowHeight = 22
        let height = 30 + rows.count * rowHeight + 10
        let maxValue = max(rows.map(\.value).max() ?? 0, 1e-12)
        let barSpace = Double(width - labelWidth - 90)
        var svg = open(width: width, height: height, title: title)
        for (i, row) in rows.enumerated() {
            let y = 30 + i * rowHeight
            let w = max(row.value > 0 ? 1 : 0, barSpace * row.value / maxValue)
            svg += #"<text x="\#(labelWidth - 6)" y="\#(y + 15)" text-anchor="end">\#(HTML.escape(row.label))</text>"#
            svg += #"<rect x="\#(labelWidth)" y="\#(y + 3)" width="\#(fmt(w))" height="\#(rowHeight - 6)" fill="\#(barColour)"/>"#
            svg += #"<text x="\#(fmt(Double(labelWidth) + w + 6))" y="\#(y + 15)">\#(HTML.escape(format(row.value)))</text>"#
        }
        return svg + "</svg>"
    }

    /// A histogram of `values` over `range` in `bins` equal bins, with markers.
    static func histogram(
        _ values: [Double], range: ClosedRange<Double>, bins: Int, title: String, xLabel: String, markers: [Marker] = [],
        width: Int = 460, height: Int = 240
    ) -> String {
        // Marker labels sit in the band above the bars, one line each.
        let left = 44.0, right = 12.0, top = 30.0 + 14 * Double(markers.count), bottom = 40.0
        let plotW = Double(width) - left - right, plotH = Double(height) - top - bottom
        var counts = [Int](repeating: 0, count: bins)
        let span = range.upperBound - range.lowerBound
        for v in values {
            let b = Int(((v - range.lowerBound) / span * Double(bins)).rounded(.down))
            counts[min(max(b, 0), bins - 1)] += 1
        }
        let top1 = max(counts.max() ?? 0, 1)
        var svg = open(width: width, height: height, title: title)
        func x(_ v: Double) -> Double { left + plotW * (v - range.lowerBound) / span }
        let binW = plotW / Double(bins)
        for (i, c) in counts.enumerated() where c > 0 {
            let h = plotH * Double(c) / Double(top1)
            svg += #"<rect x="\#(fmt(left + binW * Double(i) + 0.5))" y="\#(fmt(top + plotH - h))" width="\#(fmt(max(binW - 1, 0.5)))" height="\#(fmt(h))" fill="\#(barColour)"><title>\#(c)</title></rect>"#
        }
        // Axes with a few ticks.
        svg += #"<line x1="\#(fmt(left))" y1="\#(fmt(top + plotH))" x2="\#(fmt(left + plotW))" y2="\#(fmt(top + plotH))" stroke="dimgray"/>"#
        svg += #"<line x1="\#(fmt(left))" y1="\#(fmt(top))" x2="\#(fmt(left))" y2="\#(fmt(top + plotH))" stroke="dimgray"/>"#
        for k in 0...4 {
            let v = range.lowerBound + span * Double(k) / 4
            svg += #"<text x="\#(fmt(x(v)))" y="\#(fmt(top + plotH + 14))" text-anchor="middle">\#(tick(v, span: span))</text>"#
        }
        svg += #"<text x="\#(fmt(left - 4))" y="\#(fmt(top + 4))" text-anchor="end">\#(top1)</text>"#
        svg += #"<text x="\#(fmt(left - 4))" y="\#(fmt(top + plotH))" text-anchor="end">0</text>"#
        svg += #"<text x="\#(fmt(left + plotW / 2))" y="\#(height - 6)" text-anchor="middle">\#(HTML.escape(xLabel))</text>"#
        for (i, m) in markers.enumerated() where range.contains(m.value) {
            let mx = x(m.value)
            svg += #"<line x1="\#(fmt(mx))" y1="\#(fmt(top))" x2="\#(fmt(mx))" y2="\#(fmt(top + plotH))" stroke="\#(m.colour)" stroke-width="2"\#(m.dashed ? #" stroke-dasharray="5 3""# : "")/>"#
            let anchor = mx > left + plotW * 0.7 ? "end" : "start"
            let dx = anchor == "end" ? -4.0 : 4.0
            svg += #"<line x1="\#(fmt(mx))" y1="\#(fmt(34 + 14 * Double(i)))" x2="\#(fmt(mx))" y2="\#(fmt(top))" stroke="\#(m.colour)" stroke-width="1" stroke-dasharray="1 2"/>"#
            svg += #"<text x="\#(fmt(mx + dx))" y="\#(fmt(40 + 14 * Double(i)))" text-anchor="\#(anchor)" fill="\#(m.colour)">\#(HTML.escape(m.label))</text>"#
        }
        return svg + "</svg>"
    }

    static func open(width: Int, height: Int, title: String) -> String {
        #"<svg xmlns="http://www.w3.org/2000/svg" width="\#(width)" height="\#(height)" viewBox="0 0 \#(width) \#(height)" role="img" font-family="sans-serif" font-size="12">"#
            + "<title>\(HTML.escape(title))</title>"
            + #"<text x="4" y="16" font-weight="bold" font-size="13">\#(HTML.escape(title))</text>"#
    }

    /// The smallest of 1, 2, 2.5 or 5 times a power of ten, times four (for four ticks), at
    /// or above `value`: an axis end whose ticks are round numbers.
    static func niceUpperBound(_ value: Double) -> Double {
        let quarter = max(value, 4) / 4
        let power = pow(10, (log10(quarter)).rounded(.down))
        let step = [1, 2, 2.5, 5, 10].map { $0 * power }.first { $0 >= quarter } ?? 10 * power
        return step * 4
    }

    static func fmt(_ v: Double) -> String { String(format: "%.1f", v) }

    static func tick(_ v: Double, span: Double) -> String {
        span <= 2 ? String(format: "%.2f", v) : v == v.rounded() ? String(Int(v)) : String(format: "%.1f", v)
    }
}

/// HTML text escaping.
enum HTML {
    static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for ch in s {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(ch)
            }
        }
        return out
    }
}
