import Foundation
import SpojkaCore
import SpojkaStore
import SpojkaTestSupport
import Testing

/// `ConnectionQuery.handleFamily`: a new handle is made unique by reading only the handles that can collide with it,
/// not every connection of the workspace (creating the 10,000th connection must not read the other 9,999).
@Suite("Store: handle families")
struct HandleFamilyTests {
    @Test(arguments: Backend.allCases.filter(TestDatabase.isAvailable))
    func familyHoldsTheHandleAndItsSuffixedForms(_ backend: Backend) async throws {
        try await TestDatabase.withDriver(backend) { driver in
            let store = SQLStore(driver: driver), ids = SystemIDGenerator(), t0 = Date(timeIntervalSince1970: 1_800_000_000)
            let owner = User(id: ids.make(), email: "o@example.com", name: "O", createdAt: t0)
            let ws = Workspace(id: ids.make(), name: "Acme", createdAt: t0)
            let handles = ["shop", "shop-2", "shop-au", "shopify", "my-shop", "shop2"]
            try await store.transaction { tx in
                try await tx.insertUser(owner, passwordHash: nil)
                try await tx.insertWorkspace(ws)
                for handle in handles {
                    try await tx.insertConnection(Connection(
                        id: ids.make(), workspaceID: ws.id, connector: "shopify", connectorVersion: "1.0.0", name: handle, serviceURL: nil,
                        settings: [:], environment: .production, status: .active, statusReason: nil, checkedAt: t0, ownerID: owner.id,
                        account: nil, credentialFields: [], createdAt: t0, updatedAt: t0, handle: handle), credentials: [:])
                }
            }
            let family = try await store.read { try await $0.connections(in: ws.id, ConnectionQuery(handleFamily: "shop", limit: 100)) }
            #expect(Set(family.map(\.handle)) == ["shop", "shop-2", "shop-au"])
            #expect(ConnectionHandle.unique("shop", taken: Set(family.map(\.handle))) == "shop-3")
            let none = try await store.read { try await $0.connections(in: ws.id, ConnectionQuery(handleFamily: "stripe", limit: 100)) }
            #expect(none.isEmpty)
        }
    }
}
