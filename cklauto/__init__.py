"""cklauto: fill the EX13-MB-000120 (V-84609) review of STIG Viewer checklists from a live Exchange check."""

__version__ = "0.1.0"
