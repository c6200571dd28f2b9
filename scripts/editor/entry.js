// What baocao's report editor (baocao/web/static/report-editor.js) uses from TipTap, as one
// global: window.BaocaoTiptap. Built by scripts/build-editor.sh; never edited by hand.
import { Editor, Extension, mergeAttributes } from "@tiptap/core";
import Document from "@tiptap/extension-document";
import Paragraph from "@tiptap/extension-paragraph";
import Text from "@tiptap/extension-text";
import Bold from "@tiptap/extension-bold";
import Italic from "@tiptap/extension-italic";
import Underline from "@tiptap/extension-underline";
import HardBreak from "@tiptap/extension-hard-break";
import Heading from "@tiptap/extension-heading";
import { BulletList, OrderedList, ListItem, ListKeymap } from "@tiptap/extension-list";
import { Table, TableRow, TableHeader, TableCell } from "@tiptap/extension-table";
import { UndoRedo, Gapcursor, Dropcursor } from "@tiptap/extensions";

window.BaocaoTiptap = {
  Editor, Extension, mergeAttributes,
  Document, Paragraph, Text, Bold, Italic, Underline, HardBreak, Heading,
  BulletList, OrderedList, ListItem, ListKeymap,
  Table, TableRow, TableHeader, TableCell,
  UndoRedo, Gapcursor, Dropcursor,
};
