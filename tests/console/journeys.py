"""Parts of the console journey as a mixin of the test run: joining by invitation, and OAuth through the Authlib provider."""
import json
import os
import time
import urllib.request

from playwright.sync_api import expect


class MoreJourneys:
    """Needs `self.page`, `self.base`, `self.browser`, `self.api_write`, `self.check` and `self.look` (see test_console.Run)."""

    def join(self, ws, role):
        """Invites `role@example.com` through the API and accepts the link in a new browser context."""
        status, added = self.api_write("POST", f"/workspaces/{ws}/members", {"email": f"{role}@example.com", "role": role})
        self.check(status == 201 and added.get("invitation"), f"{role} not invited: {status}")
        context = self.browser.new_context(viewport={"width": 1280, "height": 800})
        page = context.new_page()
        page.set_default_timeout(15000)
        page.goto(added["invitation"]["url"])
        page.get_by_label("Your name").fill(role.title())
        page.get_by_label("Choose a password").fill(f"{role} passphrase")
        page.get_by_role("button", name="Join the workspace").click()
        return context, page

    def oauth_journey(self, ws):
        page, provider = self.page, os.environ.get("SPOJKA_TEST_OAUTH_URL")
        if not provider:
            self.check(False, "SPOJKA_TEST_OAUTH_URL is not set: the OAuth journey needs the Authlib test provider")
            return
        client_id, secret = f"console-{int(time.time() * 1000)}", "cs_console_test_secret"
        request = urllib.request.Request(provider + "/admin/clients", method="POST", headers={"Content-Type": "application/json"},
                                         data=json.dumps({"client_id": client_id, "client_secret": secret, "scope": "profile api",
                                                          "redirect_uris": [self.base + "/oauth/callback"]}).encode())
        try:
            urllib.request.urlopen(request).close()
        except OSError as error:
            raise RuntimeError(f"the OAuth test provider at {provider} refused the client registration: {error}") from error
        page.goto(self.base + "/settings/oauth-apps?connector=http")
        page.get_by_label("Connector").select_option("http")
        page.get_by_label("Name (required)").fill("Test provider")
        page.get_by_label("Client ID").fill(client_id)
        page.get_by_label("Client secret").fill(secret)
        page.get_by_label("Scopes").fill("profile api")
        page.get_by_label("Authorization URL").fill(provider + "/oauth/authorize")
        page.get_by_label("Token URL").fill(provider + "/oauth/token")
        page.get_by_label("Userinfo URL").fill(provider + "/userinfo")
        page.get_by_role("button", name="Register").click()
        expect(page.get_by_role("status")).to_contain_text("OAuth app registered")
        self.check(secret not in page.content(), "the OAuth client secret is shown")
        self.look("oauth-apps-registered")
        page.goto(self.base + "/connections/new?connector=http")
        page.get_by_label("Name (required)").fill("Provider API")
        page.get_by_label("Sign in with OAuth").check()
        expect(page.get_by_label("OAuth app")).to_be_visible()
        page.get_by_label("Auth method").select_option(label="oauth2")
        page.get_by_label("Base url").fill(provider)
        page.get_by_role("button", name="Connect").click()
        page.wait_for_url("**/oauth/callback**")
        page.get_by_role("link", name="Open the connection in the console").click()
        page.wait_for_url("**/connections/conn_*")
        connection_id = page.url.rsplit("/", 1)[1]
        expect(page.locator(".status-panel .badge")).to_have_text("Active")
        expect(page.locator("#connection-account")).to_contain_text("Alice")
        self.look("connection-oauth")
        page.get_by_role("button", name="Reconnect").click()
        page.wait_for_url("**/oauth/callback**")
        page.get_by_role("link", name="Open the connection in the console").click()
        page.wait_for_url("**/connections/conn_*")
        self.check(page.url.rsplit("/", 1)[1] == connection_id, "Reconnect changed the connection's ID")
        expect(page.locator(".status-panel .badge")).to_have_text("Active")
