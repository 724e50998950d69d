"""What reads a proposal from a form, below every renderer: the cells both ways (values), the
filled Excel form's reader (form_reader) and its guard (xlsx_guard), the answers to the questions
before the meeting (answers), the layout those readers and the form's builder share (layout), and
the one proposal assembler (assemble) that the Excel form and the web page both read through."""
