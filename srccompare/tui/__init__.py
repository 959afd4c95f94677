"""The Textual views of srccompare. Model code never imports this package."""
