"""The card book: every recipient's card at actual size, one per page, and a contact sheet."""
