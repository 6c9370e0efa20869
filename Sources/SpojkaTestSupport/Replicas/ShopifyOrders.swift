import Foundation
import SpojkaCore

extension ShopifyReplica {
    /// orderCreate: line items by variant (the variant's price unless `priceSet` is given) or custom items with a title
    /// and price; `{order, userErrors}` as Shopify answers, the order then listed by `orders`.
    static func createOrder(_ input: [String: JSONValue], state: ShopifyState) -> JSONValue {
        func refused(_ field: [JSONValue], _ message: String) -> JSONValue {
            ["order": .null, "userErrors": [["field": .array(field), "message": .string(message)]]]
        }
        guard let items = input["lineItems"]?.arrayValue, !items.isEmpty else { return refused(["order", "lineItems"], "Line items can't be blank") }
        return state.withLock { data -> JSONValue in
            var total = Decimal(0)
            var lines: [JSONValue] = []
            for (index, item) in items.enumerated() {
                let path: [JSONValue] = ["order", "lineItems", .string(String(index))]
                guard let quantity = item["quantity"]?.doubleValue, quantity >= 1, quantity.rounded() == quantity else {
                    return refused(path + ["quantity"], "Quantity must be greater than or equal to 1")
                }
                let variantID = item["variantId"]?.stringValue
                let variant = variantID.flatMap { data.variants[$0] }
                if variantID != nil, variant == nil { return refused(path + ["variantId"], "Variant does not exist") }
                let given = item["priceSet"]?["shopMoney"]?["amount"]?.stringValue.flatMap { Decimal(string: $0) }
                guard let price = given ?? variant?.price, let title = variant?.title ?? item["title"]?.stringValue else {
                    return refused(path, "A custom line item needs a title and a price")
                }
                total += price * Decimal(quantity)
                lines.append(["title": .string(title), "quantity": .int(Int(quantity)), "variant": variantID.map { ["id": .string($0)] } ?? .null])
            }
            data.counter += 1
            let order: JSONValue = [
                "id": .string("gid://shopify/Order/\(5_000_000_000 + data.counter)"), "name": .string("#\(1001 + data.orders.count)"),
                "email": input["email"] ?? .null, "createdAt": "2024-10-02T12:00:00Z",
                "displayFinancialStatus": input["financialStatus"] ?? "PENDING", "displayFulfillmentStatus": "UNFULFILLED",
                "totalPriceSet": ["shopMoney": ["amount": .string(Self.money(total)), "currencyCode": input["currency"] ?? "USD"]],
                "lineItems": ["nodes": .array(lines)]]
            data.orders.append(order)
            return ["order": order, "userErrors": []]
        }
    }

    /// An amount with two decimals (`25.00`).
    static func money(_ amount: Decimal) -> String {
        let formatter = NumberFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.minimumFractionDigits = 2
        formatter.maximumFractionDigits = 2
        formatter.usesGroupingSeparator = false
        return formatter.string(from: amount as NSDecimalNumber) ?? "\(amount)"
    }
}
