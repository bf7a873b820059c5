"""dbarch: the handbook's package — checklists, engines and the `playbook` command."""

__version__ = "0.1.0"
