{
  "targets": [
    {
      "target_name": "contango_mmap",
      "sources": ["mmap.c"],
      "conditions": [["OS=='win'", { "type": "none" }]]
    }
  ]
}
