/// Charts drawn as inline SVG on the server: columns (optionally stacked) and horizontal bars.
/// Colours come from CSS classes (the stylesheet, light and dark), nothing inline; each column
/// carries a `<title>` for its value.
enum SVGChart {
    /// One column of a chart: its label and its parts (stacked bottom to top).
    struct Column {
        var label: String
        var parts: [Int]
    }

    static let width = 600.0
    static let height = 160.0

    /// Columns of stacked parts, each part drawn with `classes[i]`; `legend` names the parts.
    static func columns(_ columns: [Column], classes: [String], legend: [String], caption: String, axis: (String, String)) -> HTML {
        let top = max(1, columns.map { $0.parts.reduce(0, +) }.max() ?? 1)
        let slot = width / Double(max(columns.count, 1))
        let plot = height - 20
        var shapes: [HTML] = []
        for (index, column) in columns.enumerated() {
            var base = plot
            let tip = column.parts.enumerated().map { "\(legend[$0.offset]) \($0.element)" }.joined(separator: ", ")
            for (part, value) in column.parts.enumerated() where value > 0 {
                let h = plot * Double(value) / Double(top)
                base -= h
                shapes.append("<rect class=\"\(classes[part])\" x=\"\(fixed(Double(index) * slot + 1))\" y=\"\(fixed(base))\" width=\"\(fixed(max(slot - 2, 1)))\" height=\"\(fixed(h))\"><title>\(column.label): \(tip)</title></rect>")
            }
        }
        let keys = zip(legend, classes).map { name, css -> HTML in "<span class=\"key \(css)\"></span>\(name)" }
        // Text sits outside the SVG, which stretches to the page's width: it would stretch too.
        return """
            <figure class="chart"><p class="scale">max \(top)</p><svg viewBox="0 0 \(Int(width)) \(Int(plot))" role="img" aria-label="\(caption)" preserveAspectRatio="none">\
            <line class="axis" x1="0" y1="\(fixed(plot))" x2="\(Int(width))" y2="\(fixed(plot))"></line>\(shapes)</svg>\
            <p class="ticks"><span>\(axis.0)</span><span>\(axis.1)</span></p>\
            <figcaption>\(caption) <span class="legend">\(HTML(joining: keys, separator: " "))</span></figcaption></figure>
            """
    }

    /// Horizontal bars, one per item, longest first as given.
    static func bars(_ items: [(label: String, value: Int)], caption: String) -> HTML {
        let top = max(1, items.map(\.value).max() ?? 1)
        let row = 22.0
        let h = max(row * Double(items.count), row)
        let rows = items.enumerated().map { index, item -> HTML in
            let y = Double(index) * row
            let w = (width - 200) * Double(item.value) / Double(top)
            return "<text class=\"label\" x=\"0\" y=\"\(fixed(y + 15))\">\(item.label)</text><rect class=\"bar-topic\" x=\"150\" y=\"\(fixed(y + 3))\" width=\"\(fixed(max(w, 1)))\" height=\"16\"><title>\(item.label): \(item.value)</title></rect><text class=\"value\" x=\"\(fixed(155 + w))\" y=\"\(fixed(y + 15))\">\(item.value)</text>"
        }
        return "<figure class=\"chart\"><svg class=\"bars\" viewBox=\"0 0 \(Int(width)) \(Int(h))\" role=\"img\" aria-label=\"\(caption)\">\(rows)</svg><figcaption>\(caption)</figcaption></figure>"
    }

    private static func fixed(_ value: Double) -> String {
        String(Int((value * 10).rounded())) == "0" ? "0" : String(format: "%.1f", value)
    }
}
