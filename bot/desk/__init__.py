"""The staff desk: handing a conversation to a person."""
