#version 130
// The equirectangular lookup per pixel, from the direction alone: every camera (each
// eye, each wall projector) sees the same picture in the same direction, so it runs on
// across the seams of walls. Azimuth clockwise from north (+y) runs left to right, the
// picture's centre column facing u_panorama.x radians; its top row is straight up.
// u_panorama.yz: the part of the texture this eye sees (offset and height in v).
uniform sampler2D p3d_Texture0;
uniform vec4 p3d_ColorScale;
uniform vec4 u_panorama;
in vec3 v_dir;
out vec4 o_color;

const float PI = 3.14159265358979;

void main() {
    vec3 d = normalize(v_dir);
    float u = fract(0.5 + (atan(d.x, d.y) - u_panorama.x) / (2.0 * PI));
    float v = 0.5 + asin(clamp(d.z, -1.0, 1.0)) / PI;
    // one level, no derivatives: u jumps from 1 to 0 behind the visitor
    vec4 c = textureLod(p3d_Texture0, vec2(u, u_panorama.y + v * u_panorama.z), 0.0);
    o_color = c * p3d_ColorScale;
}
