# At the root so that the plugin is loaded whatever path pytest is given (docs/ or tests/).
pytest_plugins = ["playbooks.testing"]
