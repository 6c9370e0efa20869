"""The designer journey's steps, as a mixin of test_designer.DesignerRun (needs page, base, ws, connection, slack,
check, look_designer, model, node, node_button, api, api_write)."""
import re

from playwright.sync_api import expect
from test_console import CANARY, CANARY_2

INPUT = '{"text": "Hello from the designer"}'


class DesignerJourneys:
    def drag(self, source, target_box_point):
        """A mouse drag from the middle of `source` to a page point."""
        box = source.bounding_box()
        self.page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        self.page.mouse.down()
        self.page.mouse.move(*target_box_point, steps=8)
        self.page.mouse.up()

    def centre(self, locator):
        box = locator.bounding_box()
        return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2

    def build_by_mouse_and_keyboard(self):
        page = self.page
        # Trigger selected, then the Slack tool found in the palette's search: added after it, wired up.
        self.node_button("start").click()
        page.get_by_label("Search connectors and tools").fill("send message")
        page.get_by_role("button", name="Slack: Send message").click()
        expect(self.node("send_message")).to_be_visible()
        # The connection is chosen by its display name in the picker (status badge and environment beside it).
        picker = page.get_by_role("radiogroup", name="Connection")
        expect(picker).to_contain_text("Slack - Team")
        expect(picker).to_contain_text("Active")
        picker.get_by_role("radio", name=re.compile("Slack - Team")).check()
        page.get_by_label("Channel").fill("C0GENERAL")
        page.get_by_label("Channel").press("Tab")
        # An argument as a template of the input, with the variables in scope offered.
        expect(page.get_by_role("button", name="Insert input")).to_be_visible()
        page.get_by_label("Text (required)").fill("{{ input.text }}")
        page.get_by_label("Text (required)").press("Tab")
        expect(self.node("send_message")).to_contain_text("Slack - Team")
        # A transform dragged from the palette onto the canvas, then wired by dragging from the Slack node's output.
        canvas = page.locator(".dz-viewport")
        cbox = canvas.bounding_box()
        page.get_by_role("button", name="Transform").drag_to(canvas, target_position={"x": cbox["width"] * 0.55, "y": cbox["height"] * 0.8})
        expect(self.node("transform")).to_be_visible()
        self.drag(self.node("send_message").locator(".dz-out"), self.centre(self.node_button("transform")))
        self.check({"from": "send_message", "to": "transform"} in self.model()["edges"], "the dragged edge was not added")
        page.get_by_label("Template").fill('{"posted": "{{ send_message.ts }}", "channel": "{{ send_message.channel }}"}')
        page.get_by_label("Template").press("Tab")
        # The response by keyboard: Enter on the transform's output handle offers the next node, wired up.
        self.node("transform").locator(".dz-out").focus()
        page.keyboard.press("Enter")
        dialog = page.get_by_role("dialog")
        dialog.get_by_label("Node type").select_option("response")
        page.keyboard.press("Tab")  # Cancel
        page.keyboard.press("Tab")  # Add node
        page.keyboard.press("Enter")
        expect(self.node("response")).to_be_visible()
        page.get_by_label("Body").fill("{{ transform }}")
        page.get_by_label("Body").press("Tab")
        page.get_by_label("Workflow name").fill("Slack post")
        page.get_by_label("Workflow name").press("Tab")
        edges = self.model()["edges"]
        for edge in ({"from": "start", "to": "send_message"}, {"from": "send_message", "to": "transform"}, {"from": "transform", "to": "response"}):
            self.check(edge in edges, f"missing edge {edge} in {edges}")

    def start_run(self, text=INPUT):
        page = self.page
        page.get_by_role("button", name="Run", exact=True).click()
        dialog = page.get_by_role("dialog")
        dialog.get_by_label("Input (JSON)").fill(text)
        dialog.get_by_role("button", name="Start run").click()

    def save_and_run(self):
        page = self.page
        page.keyboard.press("Control+s")
        expect(page.locator(".dz-save-status")).to_have_text("Saved · version 1")
        page.wait_for_url("**/workflows/wf_*")
        self.workflow = page.url.rsplit("/", 1)[1]
        saved = self.api(f"/workspaces/{self.ws}/workflows/{self.workflow}")["definition"]
        self.check(all("position" in n for n in saved["nodes"]), "positions were not saved")
        self.check(saved["nodes"][1]["config"]["connection"] == self.connection, "the connection ID was not saved")
        self.look_designer("designer-built")
        self.start_run()
        expect(page.locator(".dz-runbar")).to_contain_text("Completed")
        for node in ("start", "send_message", "transform", "response"):
            expect(self.node(node)).to_have_class(re.compile("dz-state-completed"))
        page.locator(".dz-runbar summary").click()
        expect(page.locator(".dz-runbar")).to_contain_text("1700000000.000100")
        self.check(("/chat.postMessage", CANARY) in self.slack.seen, "the replica did not get the message")
        self.look_designer("designer-running")
        # The Connector step's input and output.
        self.node_button("send_message").click()
        step = page.locator(".dz-step")
        expect(step).to_contain_text("Last run: completed")
        expect(step).to_contain_text("Hello from the designer")
        expect(step).to_contain_text("1700000000.000100")

    def undo_redo(self):
        page = self.page
        page.locator(".dz-runbar summary").click()  # folds the run's output again
        page.get_by_role("button", name="Fit").click()
        before = self.model()
        self.drag(self.node_button("transform"), (self.centre(self.node_button("transform"))[0] + 90, self.centre(self.node_button("transform"))[1] + 60))
        moved = self.model()
        self.check(moved != before, "the drag did not move the node")
        self.node_button("response").click()
        page.keyboard.press("Delete")
        expect(self.node("response")).to_have_count(0)
        deleted = self.model()
        page.keyboard.press("Control+z")
        self.check(self.model() == moved, "undo of the delete did not restore the canvas exactly")
        page.keyboard.press("Control+z")
        self.check(self.model() == before, "undo of the move did not restore the canvas exactly")
        page.keyboard.press("Control+Shift+z")
        page.keyboard.press("Control+Shift+z")
        self.check(self.model() == deleted, "redo did not restore the edits exactly")
        page.get_by_role("button", name="Undo").click()
        page.get_by_role("button", name="Undo").click()
        self.check(self.model() == before, "undo by the buttons did not restore the canvas")
        # Shift-click selects several nodes; dragging one moves them together (one undo step).
        self.node_button("transform").click()
        self.node_button("response").click(modifiers=["Shift"])
        expect(page.locator("sp-designer-properties h2")).to_have_text("2 nodes selected")
        self.drag(self.node_button("response"), (self.centre(self.node_button("response"))[0] + 30, self.centre(self.node_button("response"))[1] + 40))
        together = {n["id"]: n["position"] for n in self.model()["nodes"]}
        start = {n["id"]: n["position"] for n in before["nodes"]}
        shift = [(together[i]["x"] - start[i]["x"], together[i]["y"] - start[i]["y"]) for i in ("transform", "response")]
        self.check(shift[0] == shift[1] and shift[0] != (0, 0), f"the selected nodes did not move together: {shift}")
        self.check(together["send_message"] == start["send_message"], "an unselected node moved")
        page.keyboard.press("Control+z")
        self.check(self.model() == before, "undo of the group move did not restore the canvas")
        expect(page.locator(".dz-save-status")).to_have_text("Saved · version 1")

    def validation_on_nodes(self):
        page = self.page
        # A cycle (the engine refuses edges that loop outside a loop body) and a missing required argument.
        self.drag(self.node("transform").locator(".dz-out"), self.centre(self.node_button("send_message")))
        self.node_button("send_message").click()
        page.get_by_label("Text (required)").fill("")
        page.get_by_label("Text (required)").press("Tab")
        page.get_by_role("button", name="Save", exact=True).click()
        expect(page.locator(".dz-save-status")).to_contain_text("Not saved")
        expect(self.node("send_message")).to_have_class(re.compile("dz-invalid"))
        expect(self.node("transform")).to_have_class(re.compile("dz-invalid"))
        self.node_button("send_message").click()
        expect(page.locator("sp-designer-properties")).to_contain_text("Text is required")
        self.look_designer("designer-invalid")
        page.keyboard.press("Control+z")
        page.keyboard.press("Control+z")
        expect(page.locator(".dz-save-status")).to_have_text("Saved · version 1")

    def history_restore(self):
        page = self.page
        page.get_by_label("Workflow name").fill("Slack post v2")
        page.get_by_label("Workflow name").press("Tab")
        self.node_button("response").click()
        page.get_by_role("textbox", name="Status", exact=True).fill("201")
        page.get_by_role("textbox", name="Status", exact=True).press("Tab")
        page.get_by_role("button", name="Save", exact=True).click()
        expect(page.locator(".dz-save-status")).to_have_text("Saved · version 2")
        page.get_by_role("button", name="History").click()
        page.get_by_role("button", name="Restore version 1 onto the canvas").click()
        expect(page.get_by_label("Workflow name")).to_have_value("Slack post")
        expect(page.locator(".dz-save-status")).to_have_text("Unsaved changes")
        page.get_by_role("button", name="Save", exact=True).click()
        expect(page.locator(".dz-save-status")).to_have_text("Saved · version 3")
        page.get_by_role("button", name="History").click()
        self.start_run('{"text": "Restored"}')
        expect(page.locator(".dz-runbar")).to_contain_text("Completed")
        run = self.latest_run()
        self.check(run["version"] == 3 and run["output"]["posted"] == "1700000000.000100", f"the restored version ran differently: {run}")

    def latest_run(self):
        runs = self.api(f"/workspaces/{self.ws}/runs?workflow={self.workflow}")["items"]
        return self.api(f"/workspaces/{self.ws}/runs/{runs[0]['id']}")

    def leave_guard(self):
        page = self.page
        page.get_by_label("Workflow name").fill("Unsaved name")
        page.get_by_label("Workflow name").press("Tab")
        asked = []
        page.once("dialog", lambda d: (asked.append(d.message), d.dismiss()))
        page.get_by_role("link", name="Connections").first.click()
        self.check(asked and "unsaved" in asked[0], f"leaving with unsaved changes did not ask: {asked}")
        self.check("/workflows/" in page.url, "the designer was left despite the answer")
        page.keyboard.press("Control+z")
        expect(page.locator(".dz-save-status")).to_have_text("Saved · version 3")

    def renamed_connection(self):
        page = self.page
        page.goto(f"{self.base}/connections/{self.connection}")
        page.get_by_role("button", name="Rename").click()
        page.get_by_label("Name").fill("Slack - Renamed")
        page.get_by_role("button", name="Save", exact=True).click()
        expect(page.get_by_role("heading", name="Slack - Renamed")).to_be_visible()
        page.goto(f"{self.base}/workflows/{self.workflow}")
        page.wait_for_selector("sp-designer-page[data-ready]")
        expect(self.node("send_message")).to_contain_text("Slack - Renamed")
        self.node_button("send_message").click()
        expect(page.get_by_role("radio", name=re.compile("Slack - Renamed"))).to_be_checked()
        self.start_run()
        expect(page.locator(".dz-runbar")).to_contain_text("Completed")
        # Rotated in place (same ID): the workflow runs on with no edit.
        status, _ = self.api_write("PUT", f"/workspaces/{self.ws}/connections/{self.connection}/credentials", {"credentials": {"token": CANARY_2}})
        self.check(status == 200, f"rotation refused: {status}")
        self.start_run()
        expect(page.locator(".dz-runbar")).to_contain_text("Completed")
        self.check(("/chat.postMessage", CANARY_2) in self.slack.seen, "the run did not use the rotated credential")

    def deleted_connection(self):
        page = self.page
        page.goto(f"{self.base}/connections/{self.connection}")
        page.get_by_role("button", name="Delete").click()
        dialog = page.get_by_role("dialog")
        dialog.get_by_label("Type the connection's name").fill("Slack - Renamed")
        dialog.get_by_role("button", name="Delete and break these workflows").click()
        page.wait_for_url("**/connections")
        page.goto(f"{self.base}/workflows/{self.workflow}")
        page.wait_for_selector("sp-designer-page[data-ready]")
        expect(self.node("send_message")).to_have_class(re.compile("dz-broken"))
        expect(self.node("send_message")).to_contain_text(self.connection)
        self.look_designer("designer-broken")
        self.start_run()
        expect(page.locator(".dz-runbar")).to_contain_text("Failed")
        expect(page.locator(".dz-runbar")).to_contain_text("connection_not_found")
        expect(self.node("send_message")).to_have_class(re.compile("dz-state-failed"))
        # Another connection, picked in the node: the missing ID is shown with the way to replace it.
        self.node_button("send_message").click()
        expect(page.locator(".dz-missing")).to_contain_text(self.connection)
        status, other = self.api_write("POST", f"/workspaces/{self.ws}/connections", {
            "connector": "slack", "name": "Slack - Second", "credentials": {"token": CANARY_2}, "serviceUrl": self.slack.url})
        self.check(status == 201, f"second connection not created: {status}")
        page.get_by_role("button", name="Refresh list").click()
        expect(page.get_by_role("radio", name=re.compile("Slack - Second"))).to_be_checked()
        expect(self.node("send_message")).not_to_have_class(re.compile("dz-broken"))
        self.start_run()
        expect(page.locator(".dz-runbar")).to_contain_text("Completed")


    def auto_layout_and_triggers(self):
        page = self.page
        # A workflow saved through the API without positions is laid out: every node placed, none on another.
        status, created = self.api_write("POST", f"/workspaces/{self.ws}/workflows", {
            "name": "From the API", "nodes": [
                {"id": "start", "type": "trigger", "config": {"kind": "manual"}},
                {"id": "check", "type": "condition", "config": {"rules": [{"field": "{{ input.ok }}", "operator": "equals", "value": True}]}},
                {"id": "yes", "type": "response", "config": {"status": 200, "body": "yes"}},
                {"id": "no", "type": "response", "config": {"status": 409, "body": "no"}}],
            "edges": [{"from": "start", "to": "check"}, {"from": "check", "handle": "true", "to": "yes"},
                      {"from": "check", "handle": "false", "to": "no"}]})
        self.check(status == 201, f"workflow not created: {status} {created}")
        page.goto(f"{self.base}/workflows/{created['id']}")
        page.wait_for_selector("sp-designer-page[data-ready]")
        positions = [(n["position"]["x"], n["position"]["y"]) for n in self.model()["nodes"]]
        self.check(len(set(positions)) == 4, f"the automatic layout overlaps nodes: {positions}")
        self.check(positions[0][0] < positions[1][0] < positions[2][0], f"the layout does not follow the edges: {positions}")
        expect(self.node("check").locator(".dz-out")).to_have_count(2)
        # Trigger settings: a schedule previews its next five times; a webhook asks for its signing connection.
        self.node_button("start").click()
        page.get_by_label("Starts").select_option("schedule")
        page.get_by_role("textbox", name="Cron").fill("0 9 * * 1-5")
        page.get_by_role("combobox", name="Time zone").fill("Australia/Sydney")
        page.get_by_role("combobox", name="Time zone").press("Tab")
        expect(page.locator(".dz-next li")).to_have_count(5)
        expect(self.node("start")).to_contain_text("Australia/Sydney")
        self.look_designer("designer-schedule")
        page.get_by_label("Starts").select_option("webhook")
        expect(page.locator("sp-designer-properties")).to_contain_text("Save the workflow with this trigger to get its URL")
        page.once("dialog", lambda d: d.accept())
        page.get_by_role("link", name="Connections").first.click()
        page.wait_for_url("**/connections")

    def waiting_run(self):
        """A human node: the run waits and the node shows it; approved (through the API), the run completes."""
        page = self.page
        status, created = self.api_write("POST", f"/workspaces/{self.ws}/workflows", {
            "name": "Needs approval", "nodes": [
                {"id": "start", "type": "trigger", "config": {"kind": "manual"}},
                {"id": "ask", "type": "human", "outputVariable": "decision", "config": {"message": "Post {{ input.text }}?"}},
                {"id": "reply", "type": "response", "config": {"status": 200, "body": "{{ decision.decision }}"}}],
            "edges": [{"from": "start", "to": "ask"}, {"from": "ask", "to": "reply"}]})
        self.check(status == 201, f"workflow not created: {status} {created}")
        page.goto(f"{self.base}/workflows/{created['id']}")
        page.wait_for_selector("sp-designer-page[data-ready]")
        self.start_run()
        expect(self.node("ask")).to_have_class(re.compile("dz-state-waiting"))
        expect(self.node("start")).to_have_class(re.compile("dz-state-completed"))
        expect(page.locator(".dz-runbar")).to_contain_text("Waiting for an approval")
        self.look_designer("designer-waiting")
        run_id = page.locator(".dz-runbar a").text_content()
        status, _ = self.api_write("POST", f"/workspaces/{self.ws}/runs/{run_id}/approvals/ask", {"decision": "approve"})
        self.check(status == 200, f"approval refused: {status}")
        expect(page.locator(".dz-runbar")).to_contain_text("Completed", timeout=15000)
        expect(self.node("reply")).to_have_class(re.compile("dz-state-completed"))
