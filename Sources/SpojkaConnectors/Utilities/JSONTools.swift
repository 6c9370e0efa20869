import Foundation
import SpojkaConnectorKit
import SpojkaCore

/// The `json` utility connector: parse, stringify, get (JMESPath) and merge.
enum JSONTools {
    /// Implementations keyed by manifest `implementation` name.
    static var implementations: [String: any ToolImplementation] {
        [
            "json.parse": utilityTool { .object(["result": try JSONText.parse(try $0.string("text"), argument: "text")]) },
            "json.stringify": utilityTool { args in
                let text = JSONText.serialize(try args.required("value"), pretty: args.bool("pretty", default: false))
                return .object(["result": .string(text)])
            },
            "json.get": utilityTool(get),
            "json.merge": utilityTool { args in
                let objects = try args.array("objects").map { value -> [String: JSONValue] in
                    guard let object = value.objectValue else { throw utilityError("Argument 'objects' must contain only objects") }
                    return object
                }
                let deep = args.bool("deep", default: false)
                let merged = objects.reduce(into: [String: JSONValue]()) { merge(into: &$0, $1, deep: deep) }
                return .object(["result": .object(merged)])
            },
        ]
    }

    /// Selects part of `value` with a JMESPath `path`, falling back to `default`.
    static func get(_ args: ToolArguments) throws -> JSONValue {
        let path = try compilePath(try args.string("path"), argument: "path")
        let found = try select(path, in: try args.required("value"))
        let result = found == .null ? (args.value("default") ?? .null) : found
        return .object(["result": result, "found": .bool(found != .null)])
    }

    /// Merges `source` into `target`; with `deep`, nested objects merge recursively.
    static func merge(into target: inout [String: JSONValue], _ source: [String: JSONValue], deep: Bool) {
        for (key, value) in source {
            if deep, case .object(var existing)? = target[key], case .object(let incoming) = value {
                merge(into: &existing, incoming, deep: true)
                target[key] = .object(existing)
            } else {
                target[key] = value
            }
        }
    }
}
