import Foundation
import SpojkaConnectorKit
import SpojkaCore

/// The `math` utility connector: evaluate, round, statistics.
enum MathTools {
    /// Implementations keyed by manifest `implementation` name.
    static var implementations: [String: any ToolImplementation] {
        [
            "math.evaluate": utilityTool(evaluate),
            "math.round": utilityTool { args in
                let mode = MathFunctions.Mode(rawValue: args.string("mode", default: "half_up")) ?? .halfUp
                let decimals = try args.int("decimals", default: 0)
                guard (-15...15).contains(decimals) else { throw utilityError("Argument 'decimals' must be between -15 and 15") }
                let value = MathFunctions.roundNumber(try args.double("value"), decimals: decimals, mode: mode)
                return .object(["result": try jsonNumber(value)])
            },
            "math.statistics": utilityTool(statistics),
        ]
    }

    /// Evaluates `expression` with `variables`.
    static func evaluate(_ args: ToolArguments) throws -> JSONValue {
        var variables: [String: Double] = [:]
        for (name, value) in args.value("variables")?.objectValue ?? [:] {
            guard let number = value.doubleValue, number.isFinite else { throw utilityError("Variable '\(name)' in 'variables' must be a number") }
            variables[name] = number
        }
        do {
            let value = try MathExpression.evaluate(try args.string("expression"), variables: variables)
            return .object(["result": try jsonNumber(value)])
        } catch let failure as MathExpression.Failure {
            throw utilityError("Argument 'expression': \(failure.description)")
        }
    }

    /// Descriptive statistics of `numbers`.
    static func statistics(_ args: ToolArguments) throws -> JSONValue {
        let numbers = try args.array("numbers").compactMap(\.doubleValue)
        guard !numbers.isEmpty else { throw utilityError("Argument 'numbers' must contain at least one number") }
        let count = Double(numbers.count)
        let sum = numbers.reduce(0, +)
        let mean = sum / count
        let variance = numbers.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / count
        let sorted = numbers.sorted()
        let middle = sorted.count / 2
        let median = sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
        return .object([
            "count": .int(numbers.count), "sum": try jsonNumber(sum, name: "sum"), "mean": try jsonNumber(mean, name: "mean"),
            "median": try jsonNumber(median, name: "median"), "min": try jsonNumber(sorted[0], name: "min"),
            "max": try jsonNumber(sorted[sorted.count - 1], name: "max"),
            "stddev": try jsonNumber(variance.squareRoot(), name: "standard deviation"),
            "variance": try jsonNumber(variance, name: "variance"),
        ])
    }
}
