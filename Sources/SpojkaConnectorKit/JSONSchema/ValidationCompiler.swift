import Foundation
import SpojkaCore

extension SchemaCompiler {
    /// Compiles a keyword of the validation vocabulary.
    mutating func compileValidation(_ site: KeywordSite) throws -> KeywordKind? {
        switch site.name {
        case "type": return .type(try typeSet(site))
        case "enum":
            guard let list = site.value.arrayValue else { throw site.invalid("must be an array") }
            return .enumeration(list)
        case "const": return .const(site.value)
        case "multipleOf":
            guard let d = site.value.doubleValue, d > 0 else { throw site.invalid("must be a number greater than 0") }
            return .multipleOf(site.value)
        case "maximum": return .bound(try number(site), .maximum)
        case "exclusiveMaximum": return .bound(try number(site), .exclusiveMaximum)
        case "minimum": return .bound(try number(site), .minimum)
        case "exclusiveMinimum": return .bound(try number(site), .exclusiveMinimum)
        case "maxLength": return .maxLength(try site.count())
        case "minLength": return .minLength(try site.count())
        case "maxItems": return .maxItems(try site.count())
        case "minItems": return .minItems(try site.count())
        case "maxProperties": return .maxProperties(try site.count())
        case "minProperties": return .minProperties(try site.count())
        case "maxContains", "minContains":
            _ = try site.count()
            return nil
        case "uniqueItems":
            guard let flag = site.value.boolValue else { throw site.invalid("must be a boolean") }
            return flag ? .uniqueItems : nil
        case "pattern":
            guard let text = site.value.stringValue else { throw site.invalid("must be a string") }
            do { return .pattern(try ECMARegex(text)) } catch { throw site.invalid("invalid regular expression") }
        case "required": return .required(try site.strings())
        case "dependentRequired": return .dependentRequired(try dependencies(site))
        default: return nil
        }
    }

    private func number(_ site: KeywordSite) throws -> JSONValue {
        guard site.value.isNumber else { throw site.invalid("must be a number") }
        return site.value
    }

    private func typeSet(_ site: KeywordSite) throws -> JSONTypeSet {
        let names = try site.value.stringValue.map { [$0] } ?? site.strings()
        var set: JSONTypeSet = []
        for name in names {
            guard let type = JSONTypeSet(name: name) else { throw site.invalid("unknown type '\(name)'") }
            set.insert(type)
        }
        return set
    }

    private func dependencies(_ site: KeywordSite) throws -> [String: [String]] {
        guard let members = site.value.objectValue else { throw site.invalid("must be an object") }
        return try members.mapValues { try site.strings($0) }
    }
}
