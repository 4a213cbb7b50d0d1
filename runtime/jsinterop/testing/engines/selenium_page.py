"""A page in a selenium-driven browser (Chromium through chromedriver, WebKitGTK through WebKitWebDriver)."""

from __future__ import annotations

from typing import Any

from ..browser import PageDriver

__all__ = ["SeleniumPage"]


class SeleniumPage(PageDriver):
    """A new window of a selenium WebDriver's browser, shared with its other users."""

    def __init__(self, driver: Any) -> None:
        super().__init__()
        self.driver = driver
        """The selenium WebDriver (for what only this engine's driver can do)."""
        self._previous = driver.current_window_handle
        driver.switch_to.new_window("window")
        self.handle = driver.current_window_handle
        self._prepare_window()
        driver.switch_to.window(self._previous)

    def _prepare_window(self) -> None:
        """Set the new window up (while it is the active one) before it loads anything."""

    def activate(self) -> None:
        if self.driver.current_window_handle != self.handle:
            self.driver.switch_to.window(self.handle)

    def _navigate(self, url: str) -> None:
        self.driver.get(url)

    def run(self, script: str, *args: Any) -> Any:
        self.activate()
        return self.driver.execute_script(script, *args)

    def _run_with_callback(self, script: str, args: tuple[Any, ...], timeout: float) -> Any:
        self.driver.set_script_timeout(timeout)
        return self.driver.execute_async_script(script, *args)

    def _element(self, selector: str) -> Any:
        """The one element matching the CSS ``selector``; a clear LookupError when none does."""
        self.activate()
        found = self.driver.find_elements("css selector", selector)
        if not found:
            raise LookupError(f"No element matches '{selector}' in {self.run('return location.pathname;')}")
        return found[0]

    def click(self, selector: str) -> None:
        self._element(selector).click()

    def fill(self, selector: str, text: str) -> None:
        element = self._element(selector)
        element.click()
        element.clear()
        element.send_keys(text)

    def accept_dialog(self, timeout: float = 10) -> str:
        # selenium is a test dependency (this page exists only when it is installed)
        from selenium.webdriver.support import expected_conditions
        from selenium.webdriver.support.wait import WebDriverWait

        self.activate()
        alert = WebDriverWait(self.driver, timeout).until(expected_conditions.alert_is_present())
        message = str(alert.text)
        alert.accept()
        return message

    def screenshot(self, path: str) -> None:
        self.activate()
        self.driver.save_screenshot(path)

    def close(self) -> None:
        try:
            self.activate()
            self.driver.close()
        finally:
            self.driver.switch_to.window(self._previous)
