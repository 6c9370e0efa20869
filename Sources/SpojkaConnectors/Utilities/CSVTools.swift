import Foundation
import SpojkaConnectorKit
import SpojkaCore

/// The `csv` utility connector: parse and generate (RFC 4180 quoting).
enum CSVTools {
    /// Implementations keyed by manifest `implementation` name.
    static var implementations: [String: any ToolImplementation] {
        ["csv.parse": utilityTool(parse), "csv.generate": utilityTool(generate)]
    }

    /// Parses CSV text into rows (objects with a header, arrays without).
    static func parse(_ args: ToolArguments) throws -> JSONValue {
        let delimiter = try delimiter(args)
        var records = try CSVReader.records(try args.string("text"), delimiter: delimiter, trim: args.bool("trim", default: false))
        if args.bool("skipEmptyLines", default: true) { records.removeAll { $0 == [""] } }
        guard args.bool("header", default: true), let header = records.first else {
            let rows = records.map { JSONValue.array($0.map(JSONValue.string)) }
            return .object(["rows": .array(rows), "columns": [], "count": .int(rows.count)])
        }
        let columns = uniqueColumns(header)
        let rows = records.dropFirst().map { record -> JSONValue in
            var row: [String: JSONValue] = [:]
            for (index, name) in columns.enumerated() { row[name] = index < record.count ? .string(record[index]) : .null }
            for index in columns.count..<max(columns.count, record.count) { row["column_\(index + 1)"] = .string(record[index]) }
            return .object(row)
        }
        return .object(["rows": .array(rows), "columns": .array(columns.map(JSONValue.string)), "count": .int(rows.count)])
    }

    /// Writes rows as CSV, quoting fields that need it.
    static func generate(_ args: ToolArguments) throws -> JSONValue {
        let delimiter = try delimiter(args)
        let rows = try args.array("rows")
        let given = args.value("columns")?.arrayValue?.compactMap(\.stringValue)
        let columns = given ?? Array(Set(rows.flatMap { $0.objectValue.map { Array($0.keys) } ?? [] })).sorted()
        var lines: [String] = []
        if args.bool("header", default: true), !columns.isEmpty { lines.append(line(columns, delimiter)) }
        for row in rows {
            switch row {
            case .object(let object): lines.append(line(columns.map { cell(object[$0]) }, delimiter))
            case .array(let items): lines.append(line(items.map { cell($0) }, delimiter))
            default: throw utilityError("Argument 'rows' must contain only objects or arrays")
            }
        }
        let ending = args.string("lineEnding", default: "\n")
        return .object(["result": .string(lines.isEmpty ? "" : lines.joined(separator: ending) + ending)])
    }

    private static func delimiter(_ args: ToolArguments) throws -> Character {
        let text = args.string("delimiter", default: ",")
        guard text.count == 1, let character = text.first, character != "\"", character != "\n", character != "\r" else {
            throw utilityError("Argument 'delimiter' must be one character other than a quote or line break")
        }
        return character
    }

    /// Header names made unique (`name`, `name_2`…); empty names become `column_N`.
    private static func uniqueColumns(_ header: [String]) -> [String] {
        var seen: Set<String> = [], result: [String] = []
        for (index, raw) in header.enumerated() {
            var name = raw.isEmpty ? "column_\(index + 1)" : raw, suffix = 2
            while seen.contains(name) { name = "\(raw)_\(suffix)"; suffix += 1 }
            seen.insert(name)
            result.append(name)
        }
        return result
    }

    private static func cell(_ value: JSONValue?) -> String {
        switch value {
        case nil, .null?: return ""
        case .string(let s)?: return s
        case let other?: return JSONText.serialize(other)
        }
    }

    private static func line(_ fields: [String], _ delimiter: Character) -> String {
        fields.map { field in
            let needsQuotes = field.contains(delimiter) || field.contains("\"") || field.contains("\n") || field.contains("\r")
                || field.first?.isWhitespace == true || field.last?.isWhitespace == true
            return needsQuotes ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
        }.joined(separator: String(delimiter))
    }
}

/// An RFC 4180 record reader (quoted fields, doubled quotes, CRLF or LF line ends).
enum CSVReader {
    /// The records of `text`; throws on an unterminated quoted field.
    static func records(_ text: String, delimiter: Character, trim: Bool) throws -> [[String]] {
        var records: [[String]] = [], record: [String] = [], field = "", quoted = false, wasQuoted = false
        var iterator = text.makeIterator(), pending: Character? = nil, line = 1
        func finishField() {
            record.append(trim && !wasQuoted ? field.trimmingCharacters(in: .whitespaces) : field)
            field = ""; wasQuoted = false
        }
        while let c = pending ?? iterator.next() {
            pending = nil
            if quoted {
                if c == "\"" {
                    let next = iterator.next()
                    if next == "\"" { field.append("\"") } else { quoted = false; pending = next }
                } else {
                    if c == "\n" || c == "\r\n" { line += 1 }
                    field.append(c)
                }
            } else if c == "\"" && field.allSatisfy(\.isWhitespace) && !wasQuoted {
                quoted = true; wasQuoted = true; field = ""
            } else if c == delimiter {
                finishField()
            } else if c == "\n" || c == "\r\n" || c == "\r" {
                finishField(); records.append(record); record = []; line += 1
            } else {
                field.append(c)
            }
        }
        if quoted { throw utilityError("Argument 'text' has an unterminated quoted field (the text ends inside quotes at line \(line))") }
        if !field.isEmpty || !record.isEmpty || wasQuoted { finishField(); records.append(record) }
        return records
    }
}
