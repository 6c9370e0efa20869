import Foundation
import SpojkaCore
@testable import SpojkaSecrets
import SpojkaStore
import SpojkaTestSupport
import Testing

@Suite("Key ring")
struct KeyRingTests {
    let ids = SystemIDGenerator()
    let clock = TestClock()

    func workspace(_ store: SQLStore, _ ring: KeyRing) async throws -> ID<Workspace> {
        let ws = Workspace(id: ids.make(), name: "W", createdAt: clock.now())
        try await store.transaction { tx in
            try await tx.insertWorkspace(ws)
            try await ring.createDataKey(for: ws.id, in: tx)
        }
        return ws.id
    }

    @Test func sealsPerWorkspaceAndRefusesCrossWorkspaceCopies() async throws {
        try await TestDatabase.withDriver(.sqlite) { driver in
            let store = SQLStore(driver: driver)
            let master = MasterKey.generate()
            let ring = KeyRing(master: master, store: store, ids: ids, clock: clock)
            let a = try await workspace(store, ring)
            let b = try await workspace(store, ring)
            let context = SealContext(workspace: a, record: "conn_1", field: "token")
            let sealed = try await ring.seal(Secret("canary-value"), context: context)
            #expect(try await ring.open(sealed, context: context).reveal() == "canary-value")
            await #expect(throws: SecretsError.self) {
                try await ring.open(sealed, context: SealContext(workspace: b, record: "conn_1", field: "token"))
            }
            // A second ring (fresh process) with the same master key opens it from the store.
            let master2 = KeyRing(master: master, store: store, ids: ids, clock: clock)
            #expect(try await master2.open(sealed, context: context).reveal() == "canary-value")
        }
    }
}
