pytest_plugins = ["playbooks.testing"]
