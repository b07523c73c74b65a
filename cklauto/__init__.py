"""cklauto: fill the automated rules of the Exchange 2013 Mailbox STIG in STIG Viewer checklists from live checks."""

__version__ = "0.2.0"
