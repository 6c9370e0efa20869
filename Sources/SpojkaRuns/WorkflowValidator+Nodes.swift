import Foundation
import SpojkaCore

extension WorkflowValidator {
    func triggerProblems(_ path: String, _ config: JSONValue, connections: [String: Connection]) -> [(path: String, message: String)] {
        switch config["kind"]?.stringValue ?? "" {
        case "manual": return []
        case "webhook":
            var out: [(path: String, message: String)] = []
            if let mode = config["mode"]?.stringValue, !["async", "sync"].contains(mode) { out.append((path + ".mode", "must be async or sync")) }
            if let t = config["timeoutSeconds"], !(t.doubleValue.map { $0 > 0 && $0 <= 300 } ?? false) {
                out.append((path + ".timeoutSeconds", "must be a number of seconds from 1 to 300"))
            }
            guard let signing = config["signing"]?.stringValue else {
                return out + [(path + ".signing", "a webhook trigger needs a signing connection (a webhook connection's ID)")]
            }
            if let connection = connections[signing] {
                if connection.connector != "webhook" { out.append((path + ".signing", "connection \(signing) is a \(connection.connector) connection, not a webhook one")) }
            } else { out.append((path + ".signing", "connection \(signing) does not exist in this workspace")) }
            return out
        case "schedule":
            var out: [(path: String, message: String)] = []
            do { _ = try Cron(config["cron"]?.stringValue ?? "") } catch { out.append((path + ".cron", "\(error)")) }
            let zone = config["timezone"]?.stringValue ?? "UTC"
            if TimeZone(identifier: zone) == nil { out.append((path + ".timezone", "\(zone) is not an IANA time zone")) }
            return out
        default: return [(path + ".kind", "must be manual, webhook or schedule")]
        }
    }

    func loopProblems(_ path: String, _ config: JSONValue) -> [(path: String, message: String)] {
        switch config["mode"]?.stringValue ?? "" {
        case "forEach": return config["array"] == nil ? [(path + ".array", "is required (an array or a template)")] : []
        case "while":
            var out = conditionProblems(path + ".condition", config["condition"] ?? .null)
            if let max = config["maxIterations"], !(max.doubleValue.map { $0 >= 1 && $0 <= 100_000 } ?? false) {
                out.append((path + ".maxIterations", "must be a number from 1 to 100000"))
            }
            return out
        case "times": return config["count"] == nil ? [(path + ".count", "is required (a number or a template)")] : []
        default: return [(path + ".mode", "must be forEach, while or times")]
        }
    }

    func conditionProblems(_ path: String, _ config: JSONValue) -> [(path: String, message: String)] {
        guard let rules = config["rules"]?.arrayValue else { return [(path + ".rules", "must be an array of {field, operator, value}")] }
        var out: [(path: String, message: String)] = []
        if let combine = config["combine"]?.stringValue, !["and", "or"].contains(combine) { out.append((path + ".combine", "must be and or or")) }
        for (index, rule) in rules.enumerated() where !CompiledCondition.operators.contains(rule["operator"]?.stringValue ?? "") {
            out.append(("\(path).rules[\(index)].operator", "must be one of \(CompiledCondition.operators.sorted().joined(separator: ", "))"))
        }
        return out
    }
}
